"""Domain errors; the web layer maps each kind to one HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: `message` is safe to show to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or the caller may not know that it exists."""


class Conflict(DomainError):
    """The object's state forbids the change (closed round, submitted response)."""


class InvalidInput(DomainError):
    """A value is not acceptable; `field` names where it came from."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class AppendOnly(Exception):
    """A change to a row of the append-only audit log was attempted (a programming error)."""
