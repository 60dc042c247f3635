from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.errors import DomainError
from accounts.forms import BootstrapMixin
from accounts.jobs import jobs_fail_stale
from accounts.models import Organization
from accounts.roles import Role
from accounts.steps import take_step
from reports.import_tasks import (  # also registers the Celery task
    ACTIVE_STATUSES,
    import_commit,
    import_retry,
    import_upload,
)
from reports.importing import HOUSEHOLD_SHEET, MEMBER_SHEET, error_workbook, roster_preview, template_workbook
from reports.models import ImportJob, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 500
RECENT_JOBS = 20


class ImportUploadForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=gettext_lazy("union"))
    file = forms.FileField(label=gettext_lazy("Household roster (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user).active()
        self.fields["organization"].initial = user.organization_id

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        if upload.size > getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024):
            raise forms.ValidationError(_("The file is too big; split it into several files."))
        return upload


def _ensure_caseworker(user) -> None:
    if not user.has_role(Role.CASEWORKER):
        raise Http404


def _job(request, pk) -> ImportJob:
    """A job in the user's scope; the pages show ID numbers, so they are the caseworkers' only. A job that lost its
    worker shows as failed, with the button to try again."""
    _ensure_caseworker(request.user)
    jobs = ImportJob.objects.visible_to(request.user).filter(pk=pk)
    jobs_fail_stale(jobs)
    return get_object_or_404(jobs.select_related("organization"))


@require_GET
@login_required
def index(request):
    _ensure_caseworker(request.user)
    jobs = ImportJob.objects.visible_to(request.user).select_related("organization", "uploaded_by")[:RECENT_JOBS]
    form = ImportUploadForm(user=request.user)
    return render(request, "reports/imports.html", {"form": form, "jobs": jobs})


@require_GET
@login_required
def template_download(request):
    _ensure_caseworker(request.user)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="household-roster.xlsx"'
    return response


@require_POST
@login_required
def upload(request):
    _ensure_caseworker(request.user)
    form = ImportUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        jobs = ImportJob.objects.visible_to(request.user).select_related("organization", "uploaded_by")[:RECENT_JOBS]
        return render(request, "reports/imports.html", {"form": form, "jobs": jobs}, status=400)
    try:
        organization = form.cleaned_data["organization"]
        job = import_upload(organization=organization, by=request.user, upload=form.cleaned_data["file"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reports:imports")
    return redirect("reports:import_detail", pk=job.pk)


@require_GET
@login_required
def detail(request, pk):
    job = _job(request, pk)
    context = {"job": job, "errors": job.errors[:SHOWN_ERRORS], "active": job.status in ACTIVE_STATUSES}
    if job.status == ImportStatus.VALID:
        with job.file.open("rb") as file:
            context["preview"] = roster_preview(file)
        context.update(household_sheet=HOUSEHOLD_SHEET, member_sheet=MEMBER_SHEET)
    return render(request, "reports/import_detail.html", context)


@require_GET
@login_required
def progress(request, pk):
    """The job's status, polled by htmx; once the job has ended it has the page reloaded."""
    job = _job(request, pk)
    active = job.status in ACTIVE_STATUSES
    response = render(request, "reports/_import_progress.html", {"job": job, "active": active})
    if not active:
        response["HX-Refresh"] = "true"
    return response


@require_GET
@login_required
def errors_download(request, pk):
    job = _job(request, pk)
    if not job.errors:
        raise Http404
    try:
        with job.file.open("rb") as file:
            content = error_workbook(file, job.errors)
    except Exception as error:  # a file that is not a workbook has nothing to mark
        raise Http404 from error
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response


@require_POST
@login_required
def retry(request, pk):
    """Check a failed import's file again; a second click finds it queued and changes nothing."""
    job = _job(request, pk)
    step = partial(import_retry, job=job, by=request.user)
    take_step(request, step, success=_("The file is being checked again; import it from this page once it is ready."))
    return redirect("reports:import_detail", pk=job.pk)


@require_POST
@login_required
def commit(request, pk):
    job = _job(request, pk)
    try:
        job = import_commit(job=job, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if job.status == ImportStatus.COMMITTED:
            messages.success(request, _("%(households)d households imported.") % {"households": job.households})
        elif job.status == ImportStatus.FAILED:
            messages.error(request, job.error)
    return redirect("reports:import_detail", pk=job.pk)
