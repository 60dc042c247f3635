from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.permissions import role_required
from accounts.querystring import IDS, query_number
from accounts.roles import Role
from accounts.steps import take_step
from cases.models import Household
from cases.sensitive import may_see_sensitive
from cases.views.visits import private_file_response
from programs.forms import ApplicationForm, ApproveForm, CommentForm, DisbursementForm
from programs.models import AidApplication, ApplicationAttachment, Budget
from programs.selectors import programs_for_household
from programs.services.applications import (
    TRANSITIONS,
    application_create,
    application_decide,
    application_evaluate,
    application_submit,
    application_update,
    available_actions,
    step_already_taken,
    step_of,
)
from programs.services.money import application_approve, disbursement_record, disbursement_reverse, may_record_payment


def _household(request, pk):
    return get_object_or_404(Household.objects.visible_to(request.user).select_related("organization"), pk=pk)


def _application(request, pk):
    related = ("program", "household__organization", "beneficiary", "file", "measure", "approval_organization")
    return get_object_or_404(AidApplication.objects.visible_to(request.user).select_related(*related), pk=pk)


@login_required
@role_required(Role.CASEWORKER)
def application_create_view(request, pk):
    """Without a program: the programs this household may apply to. With one: its own form."""
    household = _household(request, pk)
    programs = programs_for_household(household)
    program_id = query_number(request.GET.get("program"), allowed=IDS)
    program = programs.filter(pk=program_id).first() if program_id else None
    if program is None:
        return render(request, "programs/choose_program.html", {"household": household, "programs": programs})
    form = ApplicationForm(request.POST or None, request.FILES or None, program=program, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_create(program=program, household=household, by=request.user,
                                              **form.service_arguments())  # fmt: skip
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The application is saved as a draft: check the rule's answer and submit it."))
            return redirect(application)
    return render(request, "programs/application_form.html", {"household": household, "program": program, "form": form})


@require_POST
@login_required
@role_required(Role.CASEWORKER)
def application_check(request, pk):
    """The live eligibility check (htmx): the rule's answer for what the form holds now. Nothing is saved."""
    household = _household(request, pk)
    program_id = query_number(request.GET.get("program"), allowed=IDS)
    program = get_object_or_404(programs_for_household(household), pk=program_id or 0)
    form = ApplicationForm(request.POST, program=program, household=household)
    form.is_valid()
    data = form.cleaned_data
    if "beneficiary" not in data:
        return render(request, "programs/_verdict.html", {"verdict": None})
    application = AidApplication(program=program, household=household, year=program.year, **form.figures())
    application.beneficiary, application.requested_amount = data["beneficiary"], data.get("requested_amount")
    application.file = household.current_file
    return render(request, "programs/_verdict.html", {"verdict": application_evaluate(application), "program": program})


@login_required
def application_detail(request, pk):
    application = _application(request, pk)
    user = request.user
    budget = None
    if application.program.pays_money and user.has_role(Role.APPROVER):
        line = Budget.objects.line_for(application.program, application.household.organization)
        budget = Budget.objects.with_usage().filter(pk=line.pk).first() if line else None
    context = {
        "application": application,
        "events": application.events.select_related("by"),
        "attachments": application.attachments.all(),
        "actions": available_actions(application, user),
        "disbursement": getattr(application, "disbursement", None),
        "may_edit": application.is_editable and user.has_role(Role.CASEWORKER),
        "may_pay": application.status == "approved" and application.program.pays_money
        and may_record_payment(user, application),
        "budget": budget,
        "show_sensitive": may_see_sensitive(user),
    }  # fmt: skip
    return render(request, "programs/application_detail.html", context)


@login_required
@role_required(Role.CASEWORKER)
def application_edit(request, pk):
    application = _application(request, pk)
    if not application.is_editable:
        raise Http404
    household, program = application.household, application.program
    form = ApplicationForm(request.POST or None, request.FILES or None, instance=application, program=program,
                           household=household)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            application_update(application=application, by=request.user, **form.service_arguments())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Application saved."))
            return redirect(application)
    context = {"household": household, "program": program, "form": form, "application": application}
    return render(request, "programs/application_form.html", context)


@login_required
@role_required(Role.CASEWORKER, Role.APPROVER)
def application_action(request, pk, action):
    """GET shows what the step means and asks for confirmation, to whoever may take it now; POST takes the step.

    POST leaves the status to the service, which reads it under the lock: a second click finds the step taken."""
    application = _application(request, pk)
    transition = step_of(action)
    if transition is None:
        raise Http404
    if request.method == "GET":
        if (application.status, action) not in TRANSITIONS and step_already_taken(application, action):
            messages.info(request, _("This was already done; nothing changed."))
            return redirect(application)
        if action not in {name for name, _step in available_actions(application, request.user)}:
            raise Http404
    form_class = ApproveForm if action == "approve" else CommentForm
    initial = {"amount": application.requested_amount} if action == "approve" else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        step = partial(_take_step, application, action, request.user, form.cleaned_data)
        if take_step(request, step, success=_("Done: %(step)s.") % {"step": transition.label}, form=form):
            return redirect(application)
    context = {"application": application, "transition": transition, "action": action, "form": form}
    return render(request, "programs/application_action.html", context)


def _take_step(application, action, user, data) -> bool:
    comment = data.get("comment", "")
    if action in ("submit", "resubmit"):
        application_submit(application=application, by=user, comment=comment)
    elif action == "approve":
        return application_approve(application=application, by=user, amount=data["amount"], comment=comment).done
    elif action == "reverse_payment":
        return disbursement_reverse(application=application, by=user, reason=comment).done
    else:
        application_decide(application=application, action=action, by=user, comment=comment)
    return True


@login_required
@role_required(Role.APPROVER)
def disbursement_create(request, pk):
    application = _application(request, pk)
    if not may_record_payment(request.user, application):
        raise Http404
    if request.method == "GET" and getattr(application, "disbursement", None) is not None:
        messages.info(request, _("This was already done; nothing changed."))
        return redirect(application)
    form = DisbursementForm(request.POST or None, initial={"amount": application.approved_amount})
    if request.method == "POST" and form.is_valid():
        step = partial(disbursement_record, application=application, by=request.user, **form.cleaned_data)
        if take_step(request, lambda: step().done, success=_("Payment recorded."), form=form):
            return redirect(application)
    return render(request, "programs/disbursement_form.html", {"application": application, "form": form})


@login_required
def attachment_download(request, pk):
    """Attachments are never on a public URL: each download is checked against the user's scope and role."""
    attachment = get_object_or_404(ApplicationAttachment.objects.visible_to(request.user), pk=pk)
    return private_file_response(attachment, user=request.user)
