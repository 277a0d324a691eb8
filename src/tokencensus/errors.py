"""Errors of tokencensus. Every message says what failed, on what, and the fix.

::

    TokencensusError
    ├── InputError (also ValueError)        bad input from the user
    │   ├── UnknownFormatError              no reader recognises a file
    │   ├── UnknownNameError                unknown analysis / reader / engine name
    │   └── UnreadablePathError             a path that does not exist or cannot be read
    ├── StoreError                          the census store
    │   ├── StoreLockedError                another writer holds the lock
    │   └── StoreVersionError               store written by an incompatible schema version
    └── MissingDependencyError (ImportError) an optional extra is not installed

The CLI's single error boundary prints ``str(error)`` on one line and exits 2
for input errors, 3 for store errors, 1 otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class TokencensusError(Exception):
    """Root of every error tokencensus raises on purpose."""

    exit_code = 1

    def __reduce__(self) -> tuple[Any, ...]:
        # An error raised in an ingest worker crosses a pipe. Exception pickles as
        # cls(*args), which the subclasses' own __init__ signatures refuse; rebuild the
        # instance from its message and attributes instead.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type[TokencensusError], args: tuple[Any, ...],
             state: dict[str, Any]) -> TokencensusError:
    error = cls.__new__(cls)
    super(TokencensusError, error).__init__(*args)  # the builtin base's (ImportError: msg)
    error.__dict__.update(state)
    return error


class InputError(TokencensusError, ValueError):
    """The user gave input tokencensus cannot use."""

    exit_code = 2


class UnreadablePathError(InputError):
    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"Cannot read {path}: {why}. Check the path and its permissions.")


class UnknownFormatError(InputError):
    def __init__(self, path: str, known: Iterable[str], why: str | None = None) -> None:
        self.path = path
        self.known = sorted(known)
        if why:  # nothing any format could read
            super().__init__(f"Could not detect the log format of {path}: {why}.")
            return
        super().__init__(
            f"Could not detect the log format of {path}. Known formats: "
            f"{', '.join(self.known)}. Pass --format NAME."
        )


class UnknownNameError(InputError):
    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = sorted(known)
        super().__init__(f"Unknown {kind} {name!r}. Known: {', '.join(self.known) or '(none)'}.")


class StoreError(TokencensusError):
    exit_code = 3


class StoreLockedError(StoreError):
    def __init__(self, store: str, holder: str) -> None:
        self.store = store
        self.holder = holder
        super().__init__(
            f"The store {store} is being written by another process ({holder}). "
            "Wait for it to finish; if it died, the lock frees itself."
        )


class StoreVersionError(StoreError):
    def __init__(self, store: str, found: object, supported: int) -> None:
        self.store = store
        self.found = found
        super().__init__(
            f"The store {store} has schema version {found}; this tokencensus reads "
            f"version {supported}. Upgrade tokencensus or ingest into a new store."
        )


class MissingDependencyError(TokencensusError, ImportError):
    def __init__(self, feature: str, install: str) -> None:
        self.feature = feature
        self.install = install
        super().__init__(f"{feature} needs an optional dependency: run `{install}`.")
