"""The one way a view takes a workflow step: a step already taken says so and nothing changes."""

from collections.abc import Callable

from django.contrib import messages
from django.utils.translation import gettext as _

from accounts.errors import AlreadyDone, DomainError


def take_step(request, step: Callable[[], bool | None], *, success: str | Callable[[], str], form=None) -> bool:
    """Run `step` (False when it found the work already done) and say what happened; `success` may be worked out
    after the step.

    True when the step was taken or had already been taken (the view redirects); False when it was refused (the view
    shows its form again with the reason, at the field of `form` the rule names)."""
    try:
        done = step()
    except AlreadyDone as error:
        messages.info(request, error.message)
        return True
    except DomainError as error:
        if form is not None and error.field in form.fields:
            form.add_error(error.field, error.message)
        else:
            messages.error(request, error.message)
        return False
    if done is False:
        messages.info(request, _("This was already done; nothing changed."))
    else:
        messages.success(request, success() if callable(success) else success)
    return True
