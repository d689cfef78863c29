"""The CLI's exit codes, one per kind of outcome (documented in the docs'
"Errors and exit codes" page)."""

from __future__ import annotations

from boternity_store.domain.errors import (
    AlreadyExists,
    DatabaseFailure,
    DatabaseUnavailable,
    InvalidInput,
    InvalidTransition,
    NotAStore,
    NotFound,
    ReadOnlyStore,
    StoreBusy,
    StoreError,
    VersionConflict,
)

OK = 0
FAILURE = 1  # verify found drift, a rebuild or projection failed, anything else
USAGE = 2  # invalid input or usage
NOT_FOUND = 3  # bot, key, memory, file, provider or store
REFUSED = 4  # a rule said no: conflict, exists, transition, read-only, breaker open
DATABASE = 5  # the database cannot be used: unavailable, busy, not a store, I/O

_BY_ERROR: tuple[tuple[tuple[type[StoreError], ...], int], ...] = (
    ((InvalidInput,), USAGE),
    ((NotFound,), NOT_FOUND),
    ((AlreadyExists, VersionConflict, InvalidTransition, ReadOnlyStore), REFUSED),
    ((NotAStore, DatabaseUnavailable, StoreBusy, DatabaseFailure), DATABASE),
)


def exit_code_of(error: StoreError) -> int:
    from boternity_store.infrastructure.eventstore.writer import WriteConflict

    if isinstance(error, WriteConflict):
        return DATABASE
    for kinds, code in _BY_ERROR:
        if isinstance(error, kinds):
            return code
    return FAILURE
