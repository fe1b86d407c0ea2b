"""The errors whose message is for the user (Vietnamese). One base, ``UserError``: the pure libraries (the
import engine, dates, identity numbers, the rules package, matching) subclass it, so a page or a command can
show any of them the same way, and nothing else (a programming error) is ever dressed up as one.

No Django here: the rules package and the import engine import this module without Django.
"""


class UserError(Exception):
    """A refusal the user can act on; ``str(err)`` / ``err.message`` is the Vietnamese message."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DomainError(UserError):
    """A rule of the domain refused the action (raised by services)."""


class PermissionDenied(DomainError):
    """The acting user may not do this (role, area, or maker-checker)."""


class ConcurrentChange(DomainError):
    """Someone else changed the record first; reload and try again."""
