"""Exporting the ledgers: scoped, masked by role, logged, and above a threshold written by a background job.

Settings (read with defaults, so none is required):
- `LEDGER_DIRECT_MAX_ROWS` (5,000): up to this many rows the web page streams the file at once; above, a job.
- `LEDGER_MAX_ROWS` (200,000): no ledger above this many rows is written; choose a union lower in the tree.
"""

import tempfile
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError, NotPermitted
from accounts.jobs import job_error_reason, job_fail, jobs_fail_stale
from accounts.models import Organization, User
from accounts.scoping import path_in_scope
from cases.selectors import may_see_sensitive
from reports.ledgers import WRITERS, LedgerScope, Progress, ledger_row_count
from reports.models import ExportJob, ExportLog, JobStatus, LedgerKind

DOWNLOAD_HOURS = 24


class TooManyRows(DomainError):
    pass


def ledger_direct_max_rows() -> int:
    return getattr(settings, "LEDGER_DIRECT_MAX_ROWS", 5000)


def ledger_max_rows() -> int:
    return getattr(settings, "LEDGER_MAX_ROWS", 200_000)


def _ensure_may_export(user: User | None, organization: Organization) -> None:
    if user is not None and not path_in_scope(user, organization.path):
        raise NotPermitted(_("You may export the ledgers of your own union and the unions below it only."))


def _kind(kind: str) -> LedgerKind:
    try:
        return LedgerKind(kind)
    except ValueError:
        raise DomainError(_("Choose a ledger.")) from None


def ledger_rows(*, kind: str, organization: Organization, year: int) -> int:
    """How many rows the ledger would have: the web page decides between a download and a job on it."""
    return ledger_row_count(_kind(kind), LedgerScope(organization=organization, year=year))


def _refuse_above_cap(rows: int) -> None:
    cap = ledger_max_rows()
    if rows > cap:
        raise TooManyRows(
            _("This ledger would have %(rows)d rows, more than the %(cap)d a ledger may have: choose a union lower in "
              "the tree.") % {"rows": rows, "cap": cap}
        )  # fmt: skip


def ledger_export(
    *, kind: str, organization: Organization, year: int, user: User | None, target, via: str,
    masked: bool | None = None, progress: Progress = None,
) -> int:  # fmt: skip
    """Write a ledger of the union's subtree for the year to `target` (a path or a binary file) and log it.

    With a user, masking follows the role (`may_see_sensitive`). Without one (the command line), `masked` decides, and
    it defaults to masked. Returns the number of rows written.
    """
    kind = _kind(kind)
    _ensure_may_export(user, organization)
    masked = _masked_for(user, masked)
    scope = LedgerScope(organization=organization, year=year, masked=masked)
    _refuse_above_cap(ledger_row_count(kind, scope))
    rows = WRITERS[kind](scope, target, progress)
    log = ExportLog(user=user, kind=kind, year=year, rows=rows, via=via, masked=masked)
    log.set_organization(organization)
    log.save()
    return rows


def _masked_for(user: User | None, masked: bool | None = None) -> bool:
    if user is not None:
        return not may_see_sensitive(user)
    return True if masked is None else masked


@transaction.atomic
def export_job_start(*, kind: str, organization: Organization, year: int, user: User) -> ExportJob:
    """Queue a background export; the requester downloads the file from the ledgers page until it expires."""
    from reports.tasks import ledger_export_task

    kind = _kind(kind)
    _ensure_may_export(user, organization)
    rows = ledger_rows(kind=kind, organization=organization, year=year)
    _refuse_above_cap(rows)
    job = ExportJob(kind=kind, year=year, requested_by=user, total=rows, task_id=str(uuid.uuid4()))
    job.set_organization(organization)
    job.save()
    transaction.on_commit(lambda: ledger_export_task.apply_async(args=[job.pk], task_id=job.task_id))
    return job


class JobNotFailed(DomainError):
    pass


def export_job_retry(*, job: ExportJob, by: User) -> ExportJob:
    """Queue a failed export again (its worker died, or its database connection dropped). A second click queues
    nothing: the job is queued by then."""
    from reports.tasks import ledger_export_task

    jobs_fail_stale(ExportJob.objects.filter(pk=job.pk))
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("organization").get(pk=job.pk)
        if job.requested_by_id != by.pk:  # the file is written with the requester's masking
            raise NotPermitted(_("Only the person who asked for this export may run it again."))
        _ensure_may_export(by, job.organization)
        if job.status != JobStatus.FAILED:
            raise JobNotFailed(_("This export is not failed: it is queued, running or done; nothing was changed."))
        job.status, job.error, job.done, job.finished_at = JobStatus.QUEUED, "", 0, None
        job.heartbeat_at, job.task_id = timezone.now(), str(uuid.uuid4())
        job.save(update_fields=["status", "error", "done", "finished_at", "heartbeat_at", "task_id"])
        transaction.on_commit(lambda: ledger_export_task.apply_async(args=[job.pk], task_id=job.task_id))
    return job


def export_job_execute(*, job: ExportJob) -> ExportJob:
    """Write the job's file to private storage, moving its progress on by chunk. Running it twice changes nothing.

    Each chunk is also the job's sign of life; a failure is written on a working connection, then raised."""

    def moved_on(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done, heartbeat_at=timezone.now())

    try:
        job = _mark_running(job)
        if job.status == JobStatus.SUCCEEDED:  # a redelivered task of a finished job
            return job
        with tempfile.TemporaryFile() as target:
            rows = ledger_export(
                kind=job.kind, organization=job.organization, year=job.year, user=job.requested_by, target=target,
                via="job", progress=moved_on,
            )  # fmt: skip
            target.seek(0)
            job.file.save(f"{job.kind}.xlsx", File(target), save=False)
        now = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, file=job.file.name, done=rows, total=rows, finished_at=now,
            expires_at=now + timedelta(hours=DOWNLOAD_HOURS), masked=_masked_for(job.requested_by),
        )  # fmt: skip
    except Exception as error:
        job_fail(job=job, reason=job_error_reason(error))
        raise
    return ExportJob.objects.get(pk=job.pk)


def _mark_running(job: ExportJob) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("organization", "requested_by").get(pk=job.pk)
        if job.status == JobStatus.SUCCEEDED:
            return job
        job.status, job.error, job.done, job.finished_at = JobStatus.RUNNING, "", 0, None
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "error", "done", "finished_at", "heartbeat_at"])
    return job


def export_job_download(*, job: ExportJob, by: User):
    """The finished job's file, opened, once the download is logged (PIPL: every export of personal data)."""
    if job.requested_by_id != by.pk:
        raise NotPermitted(_("Only the person who asked for this export may download it."))
    _ensure_may_export(by, job.organization)
    file = job.file.open("rb")
    log = ExportLog(user=by, kind=job.kind, year=job.year, rows=job.done, via="download", masked=job.masked)
    log.set_organization(job.organization)
    log.save()
    return file


def export_job_downloadable(job: ExportJob, now=None) -> bool:
    now = now or timezone.now()
    return job.status == JobStatus.SUCCEEDED and bool(job.file) and job.expires_at is not None and now < job.expires_at


def export_files_purge(now=None) -> int:
    """Delete the files of jobs whose download time is over: personal data is not kept longer than it is needed."""
    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged
