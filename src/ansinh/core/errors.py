"""Domain errors: raised by services with a Vietnamese message, shown by views."""


class DomainError(Exception):
    """A rule of the domain refused the action. ``str(err)`` is for the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The acting user may not do this (role, area, or maker-checker)."""


class ConcurrentChange(DomainError):
    """Someone else changed the record first; reload and try again."""
