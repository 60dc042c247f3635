from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the domain was broken; `message` is shown to the user as it is (at `field` when it names one)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    """The user's role or scope does not allow the action."""


class AlreadyDone(DomainError):
    """The step was already taken (a double click, a retried request): nothing changed."""

    def __init__(self, message: str = ""):
        super().__init__(message or _("This was already done; nothing changed."))
