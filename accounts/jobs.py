"""Background jobs that never stay stuck, shared by every job model (assessment runs, exports, imports).

A job row moves its `heartbeat_at` on as it works. A job that is queued or running with no sign of life for longer
than `JOB_STALE_MINUTES` has lost its worker (killed, restarted, out of memory) or its database connection: the beat's
sweep and the job's page mark it failed with a reason, and the page offers to try again. A job whose row a worker holds
locked is working on it (a long import commit) and is left alone. A job that fails writes its failure on a working
connection: the error that stopped it may have broken the one it used.
"""

import logging
from datetime import timedelta
from typing import ClassVar

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.errors import DomainError

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000


class JobFailureNotRecorded(Exception):
    """Not even a fresh connection could mark the job failed: the task fails loudly, and the sweep marks it later."""


class BackgroundJob(models.Model):
    """A job row with a status, an `error` text, a `created_at` and a heartbeat; subclasses name their statuses."""

    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)

    job_active_statuses: ClassVar[tuple[str, ...]] = ("queued", "running")
    job_failed_status: ClassVar[str] = "failed"
    # Set to the time of the failure too, where the model records when a job ended.
    job_finished_field: ClassVar[str | None] = "finished_at"

    class Meta:
        abstract = True

    @property
    def last_sign_of_life(self):
        return self.heartbeat_at or self.created_at


def job_stale_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "JOB_STALE_MINUTES", 15))


def background_job_models() -> list[type[BackgroundJob]]:
    return [model for model in apps.get_models() if issubclass(model, BackgroundJob)]


def stale_jobs(queryset: models.QuerySet, now=None) -> models.QuerySet:
    """The jobs of `queryset` that are queued or running and have given no sign of life for too long."""
    model = queryset.model
    cutoff = (now or timezone.now()) - job_stale_after()
    return (
        queryset.filter(status__in=model.job_active_statuses)
        .alias(last_sign_of_life=Coalesce("heartbeat_at", "created_at"))
        .filter(last_sign_of_life__lt=cutoff)
    )


def _failure_values(model: type[BackgroundJob], reason: str, now) -> dict:
    values = {"status": model.job_failed_status, "error": reason[:MAX_ERROR_LENGTH], "heartbeat_at": now}
    if model.job_finished_field:
        values[model.job_finished_field] = now
    return values


def stale_reason() -> str:
    minutes = int(job_stale_after().total_seconds() // 60)
    return gettext(
        "Nothing moved for more than %(minutes)d minutes: the background worker running this job stopped (restarted, "
        "out of memory) or lost its database connection. Try again."
    ) % {"minutes": minutes}


def jobs_fail_stale(queryset: models.QuerySet, now=None) -> int:
    """Mark the stale jobs of `queryset` failed with the reason; returns how many. Safe to run at any time.

    One statement: rows a live worker holds locked are skipped, so a page never waits for a long commit."""
    model = queryset.model
    now = now or timezone.now()
    locked_free = stale_jobs(queryset, now).select_for_update(skip_locked=True, of=("self",)).values("pk")
    # No savepoint: a single statement needs none, and a page's query count stays one.
    with transaction.atomic(using=queryset.db, savepoint=False):
        return model._default_manager.filter(pk__in=locked_free, status__in=model.job_active_statuses).update(
            **_failure_values(model, stale_reason(), now)
        )


def jobs_fail_stale_everywhere(now=None) -> int:
    """The beat's sweep over every job model."""
    return sum(jobs_fail_stale(model._default_manager.all(), now) for model in background_job_models())


def job_fail_if_stale(job: BackgroundJob) -> BackgroundJob:
    """The read-time check of one job: when it was stale it is failed now, and the object says so."""
    if jobs_fail_stale(type(job)._default_manager.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def job_error_reason(error: BaseException) -> str:
    """What the job's page shows: a rule's message as it is, anything else with the kind of error."""
    return error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"


def _drop_broken_connection(alias: str) -> None:
    """Close the alias's connection when it no longer works, so that the next query opens a fresh one."""
    connection = connections[alias]
    if connection.in_atomic_block:  # inside the caller's transaction: closing it is the caller's decision
        return
    if connection.connection is not None and not connection.is_usable():
        connection.close()


def job_fail(*, job: BackgroundJob, reason: str) -> None:
    """Mark the job failed with `reason` on a working connection; JobFailureNotRecorded when even that fails."""
    model = type(job)
    alias = router.db_for_write(model)
    try:
        _drop_broken_connection(alias)
        model._default_manager.using(alias).filter(pk=job.pk).update(**_failure_values(model, reason, timezone.now()))
    except DatabaseError as error:
        raise JobFailureNotRecorded(f"{model._meta.label} {job.pk} could not be marked failed") from error


def job_heartbeat(job: BackgroundJob) -> None:
    """A sign of life between two steps of the work."""
    type(job)._default_manager.filter(pk=job.pk).update(heartbeat_at=timezone.now())
