"""The import job (ImportJob): upload, check and commit a household roster.

Every file is checked by the Celery task below, never in the upload's request: a crafted workbook may cost its check
up to the task's time limit, and a web worker nothing. A file with more member rows than `IMPORT_DIRECT_MAX_ROWS` is
committed by the task too; the job row keeps its status, its counts and its errors, and is the record of the upload.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.errors import DomainError, NotPermitted
from accounts.jobs import job_error_reason, job_fail, job_fail_if_stale, jobs_fail_stale
from accounts.permissions import may_act_as
from accounts.roles import Role
from reports.importing import roster_read, roster_write
from reports.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = list(ImportJob.job_active_statuses)
MAX_STORED_ERRORS = 5000


def direct_max_rows() -> int:
    return getattr(settings, "IMPORT_DIRECT_MAX_ROWS", 2000)


def ensure_may_import(user, organization) -> None:
    if not may_act_as(user, Role.CASEWORKER, organization):
        raise NotPermitted(_("Only a caseworker of this union or a union above it may import households into it."))


def import_upload(*, organization, by, upload) -> ImportJob:
    """Keep the file as a job and queue its check: the request reads nothing of the file; the check counts its rows."""
    ensure_may_import(by, organization)
    job = ImportJob(uploaded_by=by, original_name=upload.name[:200], file=upload)
    job.set_organization(organization)
    job.save()
    language = translation.get_language()
    transaction.on_commit(lambda: import_households_task.delay(job.pk, "check", by.pk, language))
    return job


def import_check(*, job: ImportJob) -> ImportJob:
    """Check every row; the job ends "ready to import" or "has errors" with the list of errors."""
    job.status, job.heartbeat_at = ImportStatus.VALIDATING, timezone.now()
    job.save(update_fields=["status", "heartbeat_at"])
    try:
        with job.file.open("rb") as file:
            roster = roster_read(file, user=job.uploaded_by)
    except DomainError as error:
        roster = None
        job.errors = [{"sheet": "", "row": None, "column": "", "message": error.message}]
    if roster is not None:
        job.households, job.rows = len(roster.households), roster.member_count
        job.errors = roster.errors[:MAX_STORED_ERRORS]
    job.status = ImportStatus.INVALID if job.errors else ImportStatus.VALID
    job.save(update_fields=["status", "errors", "households", "rows"])
    return job


def import_commit(*, job: ImportJob, by) -> ImportJob:
    ensure_may_import(by, job.organization)
    job = job_fail_if_stale(job)  # a commit that lost its worker is failed now, and may be tried again
    # A failed commit wrote nothing, so it may be tried again; the file is checked once more before writing.
    if job.status not in (ImportStatus.VALID, ImportStatus.FAILED):
        raise DomainError(_("Only a checked file without errors can be imported, and only once."))
    if job.rows <= direct_max_rows():
        return import_write(job=job, by=by)
    job.status, job.heartbeat_at = ImportStatus.QUEUED, timezone.now()
    job.save(update_fields=["status", "heartbeat_at"])
    language = translation.get_language()
    transaction.on_commit(lambda: import_households_task.delay(job.pk, "commit", by.pk, language))
    return job


class ImportNotFailed(DomainError):
    pass


def import_retry(*, job: ImportJob, by) -> ImportJob:
    """Check a failed import's file again (its worker died, or the check or the commit failed); once it is ready it
    is imported from its page as usual. A second click finds it queued and queues nothing."""
    ensure_may_import(by, job.organization)
    jobs_fail_stale(ImportJob.objects.filter(pk=job.pk))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.FAILED:
            raise ImportNotFailed(_("This import is not failed: it is queued, checked or done; nothing was changed."))
        job.status, job.error, job.errors, job.heartbeat_at = ImportStatus.QUEUED, "", [], timezone.now()
        job.save(update_fields=["status", "error", "errors", "heartbeat_at"])
        language = translation.get_language()
        transaction.on_commit(lambda: import_households_task.delay(job.pk, "check", by.pk, language))
    return job


def import_write(*, job: ImportJob, by) -> ImportJob:
    """Check the file again (the register may have changed) and write all of it, or nothing. Safe to run twice."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("organization").get(pk=job.pk)
        if job.status == ImportStatus.COMMITTED:
            return job
        with job.file.open("rb") as file:
            roster = roster_read(file, user=by)
        if roster.errors:
            job.status, job.errors = ImportStatus.INVALID, roster.errors[:MAX_STORED_ERRORS]
            job.save(update_fields=["status", "errors"])
            return job
        try:
            with transaction.atomic():
                roster_write(roster=roster, organization=job.organization, by=by)
        except DomainError as error:
            job.status, job.error = ImportStatus.FAILED, error.message
            job.save(update_fields=["status", "error"])
            return job
        job.status, job.committed_at = ImportStatus.COMMITTED, timezone.now()
        job.households, job.rows = len(roster.households), roster.member_count
        job.save(update_fields=["status", "committed_at", "households", "rows"])
    return job


def time_limit_reason() -> str:
    minutes = max(1, settings.IMPORT_TASK_SOFT_TIME_LIMIT // 60)
    return _("The file took more than %(minutes)d minutes and was stopped; nothing was imported. Split it into smaller "
             "files and upload them one by one.") % {"minutes": minutes}  # fmt: skip


@shared_task(
    name="reports.import_households", acks_late=True,
    soft_time_limit=settings.IMPORT_TASK_SOFT_TIME_LIMIT, time_limit=settings.IMPORT_TASK_SOFT_TIME_LIMIT + 60,
)  # fmt: skip
def import_households_task(job_id: int, step: str, user_id: int, language: str | None = None) -> None:
    """Check ("check") or write ("commit") an uploaded roster in the background."""
    from accounts.models import User

    job = ImportJob.objects.select_related("organization", "uploaded_by").get(pk=job_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            if step == "commit":
                import_write(job=job, by=User.objects.get(pk=user_id))
            elif job.status in ACTIVE_STATUSES:
                import_check(job=job)
        except SoftTimeLimitExceeded:
            # A check that ran out of time is the file's verdict: "has errors", never "ready" nor a commit to retry.
            logger.warning("import job %s stopped at its time limit (%s)", job_id, step)
            reason = time_limit_reason()
            if step == "commit":
                ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, error=reason)
            else:
                errors = [{"sheet": "", "row": None, "column": "", "message": reason}]
                ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.INVALID, errors=errors, error=reason)
        except Exception as error:
            logger.exception("import job %s failed", job_id)
            # On a working connection; JobFailureNotRecorded fails the task when even that cannot be written.
            job_fail(job=job, reason=job_error_reason(error))
