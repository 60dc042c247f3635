from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.permissions import role_required
from accounts.roles import Role
from cases.forms import MeasureForm, MeasureStatusForm, PlanForm
from cases.models import AssistancePlan, HardshipFile, PlanMeasure
from cases.services.plans import measure_add, measure_update, plan_save


@login_required
@role_required(Role.CASEWORKER)
def plan_edit(request, pk):
    """The year's plan (一户一策): goals, and a form to add a measure."""
    file = get_object_or_404(HardshipFile.objects.visible_to(request.user).select_related("household"), pk=pk)
    year = timezone.localdate().year
    plan = AssistancePlan.objects.filter(file=file, year=year).first()
    form = PlanForm(request.POST or None, initial={"goals": plan.goals if plan else ""})
    if request.method == "POST" and form.is_valid():
        try:
            plan_save(file=file, year=year, goals=form.cleaned_data["goals"], by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(file.household)
    context = {"file": file, "household": file.household, "form": form, "plan": plan, "year": year}
    return render(request, "cases/plan_form.html", context)


@login_required
@role_required(Role.CASEWORKER)
def measure_add_view(request, pk):
    plan = get_object_or_404(AssistancePlan.objects.visible_to(request.user).select_related("file__household"), pk=pk)
    household = plan.file.household
    form = MeasureForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            measure_add(plan=plan, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Measure added."))
            return redirect(household)
    return render(request, "cases/measure_form.html", {"plan": plan, "household": household, "form": form})


@require_POST
@login_required
@role_required(Role.CASEWORKER)
def measure_status(request, pk):
    measure = get_object_or_404(
        PlanMeasure.objects.visible_to(request.user).select_related("plan__file__household"), pk=pk
    )
    form = MeasureStatusForm(request.POST)
    if form.is_valid():
        try:
            measure_update(measure=measure, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Measure updated."))
    else:
        messages.error(request, _("Choose a status from the list."))
    return redirect(measure.plan.file.household)
