"""Rules for file metadata: valid input values and the indexing state machine.

Indexing status: a new file is ``pending``; ``mark_indexing`` makes it
``in_progress``; it ends ``completed`` or ``failed``; a new version makes it
``stale`` (indexed content is outdated). ``pending``, ``stale`` and ``failed``
files need (re)indexing.
"""

from __future__ import annotations

import re
from typing import Literal

from boternity_store.domain.errors import InvalidInput
from boternity_store.domain.validation import check_identifier, storable_text

IndexStatus = Literal["pending", "in_progress", "completed", "failed", "stale"]

PENDING: IndexStatus = "pending"
IN_PROGRESS: IndexStatus = "in_progress"
COMPLETED: IndexStatus = "completed"
FAILED: IndexStatus = "failed"
STALE: IndexStatus = "stale"
NEEDING_INDEX: tuple[IndexStatus, ...] = (PENDING, STALE, FAILED)

DEFAULT_MIME_TYPE = "application/octet-stream"
MAX_SIZE_BYTES = 2**63 - 1  # what the seed's INTEGER column holds
MAX_ERROR_LENGTH = 4000
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")


def can_start_indexing(status: str) -> bool:
    return status in (PENDING, STALE, FAILED)


def can_mark_indexed(status: str) -> bool:
    # An indexer may skip mark_indexing, so pending and stale are allowed too.
    return status in (PENDING, STALE, IN_PROGRESS)


def can_mark_failed(status: str) -> bool:
    return status in (PENDING, STALE, IN_PROGRESS)


def check_filename(value: object) -> str:
    """Return ``value`` if it is a usable file name, else raise InvalidInput."""
    name = check_identifier(value, "filename")
    if name in (".", ".."):
        raise InvalidInput(f"filename must not be {name!r}")
    if "/" in name or "\\" in name:
        raise InvalidInput(f"filename {name!r} must not contain '/' or '\\'")
    return name


def check_size(value: object) -> int:
    if type(value) is not int:
        raise InvalidInput(f"size_bytes must be an int, got {type(value).__name__}")
    if not 0 <= value <= MAX_SIZE_BYTES:
        raise InvalidInput(f"size_bytes must be between 0 and {MAX_SIZE_BYTES}")
    return value


def check_version_number(value: object, what: str = "version") -> int:
    if type(value) is not int or value < 1:
        raise InvalidInput(f"{what} must be an int >= 1, got {value!r}")
    return value


def check_sha256(value: object) -> str | None:
    """None, or 64 hex digits (returned in lower case)."""
    if value is None:
        return None
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise InvalidInput("sha256 must be 64 hexadecimal digits")
    return value.lower()


def check_mime_type(value: object) -> str:
    mime = check_identifier(value, "mime_type")
    if not _MIME.fullmatch(mime.split(";", 1)[0].rstrip()):
        raise InvalidInput(f"mime_type {mime!r} is not of the form type/subtype")
    return mime


def check_error_text(value: object) -> str:
    """An indexing error message: NUL and lone surrogates (common in third-party
    messages) become U+FFFD and an over-long message is cut, so that a failure
    is always recorded."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("error must be a non-empty string")
    return storable_text(value)[:MAX_ERROR_LENGTH]
