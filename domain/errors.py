"""Exceptions raised by the store. All derive from :class:`StoreError`."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class InvalidInput(StoreError, ValueError):
    """Raised when an argument is malformed; nothing was written."""


class NotFound(StoreError, LookupError):
    """Raised when the thing a command acts on does not exist."""


class BotNotFound(NotFound):
    """Raised when a bot is unknown or deleted."""

    def __init__(self, bot_id: str) -> None:
        super().__init__(f"bot {bot_id!r} not found")
        self.bot_id = bot_id


class AlreadyExists(StoreError):
    """Raised when creating something that already exists."""


class BotAlreadyExists(AlreadyExists):
    """Raised when registering a bot id that is already registered."""

    def __init__(self, bot_id: str) -> None:
        super().__init__(f"bot {bot_id!r} already exists")
        self.bot_id = bot_id


class VersionConflict(StoreError):
    """Raised when a compare-and-set finds another version than expected."""

    def __init__(self, what: str, expected: int, actual: int) -> None:
        super().__init__(f"{what}: expected version {expected}, found {actual}")
        self.expected = expected
        self.actual = actual


class InvalidTransition(StoreError):
    """Raised when a command is not allowed in the current state."""


class MemoryNotFound(NotFound):
    """Raised when a memory was never added, or is deleted or merged away."""

    def __init__(self, memory_id: str, why: str = "not found") -> None:
        super().__init__(f"memory {memory_id!r} {why}")
        self.memory_id = memory_id


class MemoryAlreadyExists(AlreadyExists):
    """Raised when adding a memory id that is in use by a live memory."""

    def __init__(self, memory_id: str) -> None:
        super().__init__(f"memory {memory_id!r} already exists")
        self.memory_id = memory_id


class FileNotFound(NotFound):
    """Raised when a file id or (bot, filename) names no current file."""


class StoreNotFound(NotFound):
    """Raised when a store opened to read (``read_only=True``) does not exist;
    nothing was created."""


class ReadOnlyStore(StoreError):
    """Raised when writing through a store opened with ``read_only=True``;
    nothing was written."""


class ReadOnlyView(ReadOnlyStore):
    """Raised when writing through a view of the past (``store.at(...)``);
    nothing was written."""


class NotAStore(StoreError):
    """Raised when the URL names a file that is not a SQLite database (the file
    is left untouched)."""


class DatabaseUnavailable(StoreError):
    """Raised when the database cannot be reached or opened: the server is down
    or refuses, the database or role does not exist, the file cannot be opened.
    The message carries the server's or the system's own reason."""


class StoreBusy(StoreError):
    """Raised when another process held the database's write lock for longer
    than the busy timeout (``open_store(..., busy_timeout=S)``); nothing was
    written, and the write may be retried."""


class DatabaseFailure(StoreError):
    """Raised for any other failure of the database, the driver or the
    operating system (a full disk, an I/O error, a corrupt file), with the
    driver's message. What was acknowledged before is not affected."""


class ProjectionTimeout(StoreError):
    """Raised by ``store.wait_for(position, timeout=...)`` when a projection
    has not reached ``position`` in time (in background mode: no runner is
    running, or it is behind). ``behind`` maps each such projection to the
    position it stands at. Nothing is lost: the events are in the log."""

    def __init__(self, position: int, behind: dict[str, int], timeout: float) -> None:
        lagging = ", ".join(f"{name} at {at}" for name, at in sorted(behind.items()))
        super().__init__(
            f"projections did not reach position {position} within {timeout:g} s "
            f"({lagging}); is `boternity-store projections run` running?"
        )
        self.position = position
        self.behind = behind


class ProjectionStopped(StoreError):
    """Raised by ``store.wait_for`` when a projection it waits for has failed
    (its handler raised at ``failed_at``): it will not move until it is fixed
    and resumed (``boternity-store projections resume``)."""

    def __init__(self, name: str, failed_at: int, message: str) -> None:
        super().__init__(
            f"projection {name} failed at event {failed_at}: {message}; "
            "fix it and run `boternity-store projections resume`"
        )
        self.name = name
        self.failed_at = failed_at


class ProviderNotFound(NotFound):
    """Raised when a provider name has no recorded history."""

    def __init__(self, name: str) -> None:
        super().__init__(f"provider {name!r} not found")
        self.name = name
