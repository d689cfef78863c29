"""A store opened to read (``open_store(url, read_only=True)``): it creates
nothing, catches nothing up and refuses every write before it decides."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from boternity_store.domain.errors import ReadOnlyStore, StoreNotFound

if TYPE_CHECKING:
    from boternity_store.infrastructure.config import StoreConfig
    from boternity_store.projections.engine.runner import ProjectionRunner


class RefusingAppender:
    """The appender of a store that cannot be written (opened read-only, or a
    view of the past): every write stops before deciding, with ``error``."""

    def __init__(self, error: ReadOnlyStore) -> None:
        self.error = error

    @classmethod
    def for_store(cls, config: StoreConfig) -> RefusingAppender:
        where = config.url.render_as_string(hide_password=True)
        return cls(ReadOnlyStore(f"the store at {where} was opened read-only"))

    def before_decide(self) -> None:
        raise type(self.error)(*self.error.args)

    def holding_log(self) -> AbstractContextManager[None]:
        return nullcontext()

    def append(
        self, aggregates: Iterable[Any], sequence: Sequence[Any] = ()
    ) -> int | None:
        self.before_decide()
        return None

    def close(self) -> None:
        pass


def check_projected(config: StoreConfig, runner: ProjectionRunner) -> None:
    """A database without the store's tables (new, or another program's)."""
    try:
        runner.states()
    except Exception as error:
        raise StoreNotFound(
            f"no store at {config.url.render_as_string(hide_password=True)}"
            f" ({type(error).__name__})"
        ) from None
