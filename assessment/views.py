from decimal import Decimal
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError
from accounts.jobs import jobs_fail_stale
from accounts.models import Organization
from accounts.permissions import role_required
from accounts.roles import Role
from accounts.scoping import union_in_scope_or_404
from accounts.steps import take_step
from assessment.choices import Recommendation
from assessment.forms import AssessmentFilterForm, AssessmentStartForm, years_offered
from assessment.models import AnnualSummary, AssessmentRun, HouseholdAssessment
from assessment.services import assessment_resume, assessment_start
from cases.choices import FileStatus
from cases.models.households import heads_prefetch
from cases.services.files import TRANSITIONS, file_transition
from programs.choices import ProgramKind

PAGE_SIZE = 25
# The recommendations a caseworker turns into a step of the file workflow with one click.
PROPOSALS = {Recommendation.EXIT: "propose_exit", Recommendation.RELIEVE: "propose_relief"}


def _union(request, chosen: str | None) -> Organization:
    return union_in_scope_or_404(request.user, chosen)


def _may_start(user) -> bool:
    return user.has_role(Role.APPROVER) or user.has_role(Role.LEADER)


def _page_url(organization_id: int, year: int | None = None) -> str:
    query = {"org": organization_id, **({"year": year} if year else {})}
    return f"{reverse('assessment:assessment')}?{urlencode(query)}"


def _money_by_program(summary: AnnualSummary | None) -> list[tuple[str, Decimal]]:
    labels = dict(ProgramKind.choices)
    amounts = summary.money_by_program if summary else {}
    return [(labels.get(kind, kind), Decimal(amount)) for kind, amount in amounts.items()]


@login_required
def assessment_page(request):
    """A union's year-end assessment: its run, its summary against earlier years, and each household's result."""
    union = _union(request, request.GET.get("org"))
    summaries = list(AnnualSummary.objects.filter(organization=union).order_by("-year"))
    form = AssessmentFilterForm(request.GET, years=years_offered(summary.year for summary in summaries))
    form.is_valid()
    year = form.cleaned_data.get("year") or timezone.localdate().year
    assessments = (
        HouseholdAssessment.objects.visible_to(request.user)
        .filter(org_path__startswith=union.path, year=year)
        .select_related("file__household", "file__organization")
        .prefetch_related(heads_prefetch("file__household__members"))
    )
    if form.cleaned_data.get("recommendation"):
        assessments = assessments.filter(recommendation=form.cleaned_data["recommendation"])
    query = request.GET.copy()
    query.pop("page", None)
    summary = next((row for row in summaries if row.year == year), None)
    runs = AssessmentRun.objects.filter(organization=union, year=year)
    jobs_fail_stale(runs)  # a run that lost its worker shows as failed, with the button to resume it
    run = runs.select_related("started_by").first()
    context = {
        "union": union,
        "year": year,
        "form": form,
        "query": query.urlencode(),
        "run": run,
        "may_start": _may_start(request.user),
        "summary": summary,
        "money_by_program": _money_by_program(summary),
        "summaries": summaries,
        "below": AnnualSummary.objects.filter(organization__parent=union, year=year).select_related("organization"),
        "page": Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page")),
        # Proposals come from the latest year assessed, never from an older year's figures.
        "may_propose": request.user.has_role(Role.CASEWORKER) and (not summaries or year == summaries[0].year),
        "proposals": list(PROPOSALS),
    }
    return render(request, "assessment/assessment.html", context)


@require_POST
@login_required
@role_required(Role.APPROVER, Role.LEADER)
def assessment_start_view(request):
    union = _union(request, request.POST.get("org"))
    form = AssessmentStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year from 2000 up to this year."))
        return redirect(_page_url(union.pk))
    year = form.cleaned_data["year"]
    try:
        assessment_start(organization=union, year=year, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The assessment is queued; its progress shows below."))
    return redirect(_page_url(union.pk, year))


@require_GET
@login_required
def assessment_progress(request, pk):
    """The progress bar, polled by htmx; once the run has ended (or lost its worker) it has the page reloaded."""
    runs = AssessmentRun.objects.visible_to(request.user).filter(pk=pk)
    jobs_fail_stale(runs)
    run = get_object_or_404(runs)
    response = render(request, "assessment/_progress.html", {"run": run})
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def assessment_resume_view(request, pk):
    run = get_object_or_404(AssessmentRun.objects.visible_to(request.user), pk=pk)
    if not _may_start(request.user):
        raise Http404
    step = partial(assessment_resume, run=run, by=request.user)
    take_step(request, step, success=_("The assessment is queued again; it carries on where it stopped."))
    return redirect(_page_url(run.organization_id, run.year))


@require_POST
@login_required
@role_required(Role.CASEWORKER)
def assessment_propose(request, pk):
    """One click turns an exit or relief recommendation into the file's proposal; the assessment changes nothing."""
    assessment = get_object_or_404(
        HouseholdAssessment.objects.visible_to(request.user).select_related("file__household"),
        pk=pk,
        recommendation__in=list(PROPOSALS),
    )
    if HouseholdAssessment.objects.filter(file=assessment.file, year__gt=assessment.year).exists():
        raise Http404  # an older year's result: propose from the latest assessment of the file
    action = PROPOSALS[assessment.recommendation]
    take_step(
        request,
        partial(file_transition, file=assessment.file, action=action, by=request.user,
                comment="\n".join(assessment.reasons)),
        success=_("Done: %(step)s.") % {"step": TRANSITIONS[(FileStatus.ACTIVE, action)].label},
    )  # fmt: skip
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect(assessment.file.household)
