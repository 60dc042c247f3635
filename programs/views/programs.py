from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.permissions import role_required
from accounts.querystring import YEARS, query_number
from accounts.roles import Role
from accounts.steps import take_step
from cases.models.households import heads_prefetch
from programs.choices import ApplicationStatus, ProgramKind
from programs.models import ApplicationBatch, Budget, Program
from programs.services.money import holiday_batch_approve, holiday_batch_generate, holiday_candidates

PAGE_SIZE = 25


@login_required
def program_list(request):
    programs = (
        Program.objects.visible_to(request.user)
        .select_related("organization", "funding_source")
        .order_by("-year", "-is_active", "kind", "name")
    )
    year = query_number(request.GET.get("year"), allowed=YEARS)
    if year:
        programs = programs.filter(year=year)
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    years = Program.objects.visible_to(request.user).values_list("year", flat=True).distinct().order_by("-year")
    return render(request, "programs/program_list.html", {"page": page, "years": years, "year": year, "query": ""})


@login_required
def program_detail(request, pk):
    program = get_object_or_404(
        Program.objects.visible_to(request.user).select_related("organization", "funding_source"), pk=pk
    )
    budgets = (
        Budget.objects.visible_to(request.user)
        .filter(program=program)
        .with_usage()
        .select_related("organization")
        .order_by("org_path")
    )
    batches = program.batches.visible_to(request.user).select_related("organization", "created_by", "approved_by")
    context = {
        "program": program,
        "rule_lines": program.rule.describe(),
        "parameters": program.rule.parameters,
        "diseases": program.diseases.all(),
        "budgets": budgets,
        "may_batch": program.kind == ProgramKind.HOLIDAY and request.user.has_role(Role.APPROVER),
        "batches": batches[:10],
    }
    return render(request, "programs/program_detail.html", context)


@login_required
@role_required(Role.APPROVER)
def batch_new(request, pk):
    """GET: the households a holiday-visit batch would cover; POST: generate it."""
    program = get_object_or_404(Program.objects.visible_to(request.user), pk=pk, kind=ProgramKind.HOLIDAY)
    if request.method == "POST":
        try:
            batch = holiday_batch_generate(program=program, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The batch is generated: review it, then approve it."))
            return redirect("programs:batch_detail", batch.pk)
    candidates = holiday_candidates(program, request.user.organization)
    sample = candidates.prefetch_related(heads_prefetch("household__members"))[:50]
    context = {"program": program, "count": candidates.count(), "sample": sample}
    return render(request, "programs/batch_new.html", context)


@login_required
def batch_detail(request, pk):
    batch = get_object_or_404(
        ApplicationBatch.objects.visible_to(request.user).select_related("program", "created_by", "approved_by"), pk=pk
    )
    applications = batch.applications.select_related("household", "beneficiary", "organization", "file").order_by(
        "org_path", "pk"
    )
    totals = applications.aggregate(count=Count("id"), total=Sum("requested_amount"))
    waiting = applications.filter(status=ApplicationStatus.SUBMITTED).count()
    page = Paginator(applications, 100).get_page(request.GET.get("page"))
    context = {"batch": batch, "page": page, "totals": totals, "waiting": waiting, "query": ""}
    return render(request, "programs/batch_detail.html", context)


@require_POST
@login_required
@role_required(Role.APPROVER)
def batch_approve(request, pk):
    batch = get_object_or_404(ApplicationBatch.objects.visible_to(request.user), pk=pk)
    approved = []

    def approve() -> bool:
        approved.append(holiday_batch_approve(batch=batch, by=request.user))
        return approved[0] > 0  # 0: the batch was already approved

    take_step(request, approve, success=lambda: _("%(count)d holiday visits approved.") % {"count": approved[0]})
    return redirect("programs:batch_detail", batch.pk)
