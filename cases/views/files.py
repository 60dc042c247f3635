from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.permissions import role_required
from accounts.roles import Role
from accounts.steps import take_step
from cases.choices import FileStatus
from cases.forms import FileApplyForm, FinancesForm, TransitionForm
from cases.models import HardshipFile, Household
from cases.services.files import (
    TRANSITIONS,
    available_actions,
    file_apply,
    file_refile_returned,
    file_transition,
    step_already_taken,
    step_of,
)


@login_required
@role_required(Role.CASEWORKER)
def file_apply_view(request, pk):
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related("organization"), pk=pk)
    # After an exit or relief, a new file is always a return to hardship (返困), linked to the old one.
    current = household.current_file
    previous = current if current and current.status in (FileStatus.EXITED, FileStatus.RELIEVED) else None
    form = FileApplyForm(request.POST or None, household=household, user=request.user)
    finances = FinancesForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and finances.is_valid():
        try:
            if previous is not None:
                file_refile_returned(
                    previous_file=previous, by=request.user, finances=finances.finances(), **form.details()
                )
            else:
                file_apply(household=household, by=request.user, finances=finances.finances(), **form.details())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The application for a file is recorded."))
            return redirect(household)
    context = {"household": household, "form": form, "finances": finances, "returned": previous is not None}
    return render(request, "cases/file_apply.html", context)


@login_required
@role_required(Role.CASEWORKER, Role.APPROVER)
def file_action(request, pk, action):
    """GET shows what the step means and asks for confirmation, to whoever may take it now; POST takes the step.

    POST leaves the status to the service, which reads it under the lock: a second click finds the step taken."""
    file = get_object_or_404(HardshipFile.objects.visible_to(request.user).select_related("household"), pk=pk)
    transition = step_of(action)
    if transition is None:
        raise Http404
    if request.method == "GET":
        if (file.status, action) not in TRANSITIONS and step_already_taken(file, action):
            messages.info(request, _("This was already done; nothing changed."))
            return redirect(file.household)
        if action not in {name for name, _step in available_actions(file, request.user)}:
            raise Http404
    form = TransitionForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        step = partial(file_transition, file=file, action=action, by=request.user, **form.cleaned_data)
        if take_step(request, step, success=_("Done: %(step)s.") % {"step": transition.label}, form=form):
            return redirect(file.household)
    context = {"file": file, "household": file.household, "transition": transition, "action": action, "form": form}
    return render(request, "cases/file_action.html", context)
