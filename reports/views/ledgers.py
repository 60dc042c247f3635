"""The ledgers page: choose a ledger, a union and a year; small ledgers download at once, big ones become a job."""

import tempfile
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError
from accounts.jobs import jobs_fail_stale
from accounts.models import Organization
from accounts.scoping import union_in_scope_or_404
from accounts.steps import take_step
from assessment.forms import FIRST_YEAR, years_offered
from reports.exports import (
    export_job_download,
    export_job_downloadable,
    export_job_retry,
    export_job_start,
    ledger_direct_max_rows,
    ledger_export,
    ledger_max_rows,
    ledger_rows,
)
from reports.ledgers import ledger_filename
from reports.models import ExportJob, JobStatus, LedgerKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10


class LedgerForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("ledger"), choices=LedgerKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here: the upper bound moves with the calendar.
        self.fields["year"] = forms.IntegerField(
            label=gettext_lazy("year"), min_value=FIRST_YEAR, max_value=timezone.localdate().year
        )


def _union(request, chosen: str | None) -> Organization:
    return union_in_scope_or_404(request.user, chosen)


def _xlsx_response(file, filename: str) -> FileResponse:
    """Personal data: downloaded, never shown inline, never cached."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _own_jobs(request):
    """A job's file was written with its requester's masking: only the requester may see or fetch it. A job that
    lost its worker shows as failed, with the button to try again."""
    jobs = ExportJob.objects.visible_to(request.user).filter(requested_by=request.user)
    jobs_fail_stale(jobs)
    return jobs.select_related("organization")


def _own_job(request, pk: int) -> ExportJob:
    return get_object_or_404(_own_jobs(request), pk=pk)


@require_GET
@login_required
def index(request):
    jobs = _own_jobs(request)
    context = {
        "kinds": LedgerKind.choices,
        "unions": Organization.objects.visible_to(request.user).active().order_by("path"),
        "chosen_union": request.user.organization,
        "years": years_offered(),
        "jobs": jobs[:RECENT_JOBS],
        "direct_max_rows": ledger_direct_max_rows(),
        "max_rows": ledger_max_rows(),
        "now": timezone.now(),
    }
    return render(request, "reports/ledgers.html", context)


@require_POST
@login_required
def export(request):
    """Up to the threshold the file comes back at once; above it, a job is queued and shows on the page."""
    union = _union(request, request.POST.get("org"))
    form = LedgerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a ledger and a year from 2000 up to this year."))
        return redirect("reports:ledgers")
    kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    try:
        if ledger_rows(kind=kind, organization=union, year=year) > ledger_direct_max_rows():
            export_job_start(kind=kind, organization=union, year=year, user=request.user)
            messages.success(request, _("This ledger is big: it is being written in the background. Its download "
                                        "link shows below when it is ready."))  # fmt: skip
            return redirect("reports:ledgers")
        target = tempfile.TemporaryFile()
        ledger_export(kind=kind, organization=union, year=year, user=request.user, target=target, via="web")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reports:ledgers")
    target.seek(0)
    return _xlsx_response(target, ledger_filename(kind, union, year))


@require_GET
@login_required
def job_progress(request, pk):
    """The job's progress bar, polled by htmx until the job has ended; then its download link."""
    job = _own_job(request, pk)
    return render(request, "reports/_export_job.html", {"job": job, "now": timezone.now()})


@require_GET
@login_required
def job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != JobStatus.SUCCEEDED:
        raise Http404
    if not export_job_downloadable(job):
        return render(request, "reports/ledgers_expired.html", {"job": job}, status=410)
    file = export_job_download(job=job, by=request.user)
    return _xlsx_response(file, ledger_filename(job.kind, job.organization, job.year))


@require_POST
@login_required
def job_retry(request, pk):
    """Queue a failed export again; a second click finds it queued and changes nothing."""
    job = _own_job(request, pk)
    step = partial(export_job_retry, job=job, by=request.user)
    take_step(request, step, success=_("The export is queued again; its progress shows below."))
    return redirect("reports:ledgers")
