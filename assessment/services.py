"""Start and carry out a year-end assessment run: in chunks, resumable, and never changing a file."""

import uuid
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError, NotPermitted
from accounts.jobs import job_error_reason, job_fail, job_heartbeat, jobs_fail_stale
from accounts.models import Organization, User
from accounts.roles import Role
from accounts.scoping import path_in_scope
from assessment.choices import ACTIVE_RUN_STATUSES, RunStatus
from assessment.compute import StandardCache, assess_chunk
from assessment.models import AssessmentRun, HouseholdAssessment
from assessment.summaries import summaries_compute
from cases.choices import FILED_STATUSES, FileStatus
from cases.models import HardshipFile

INPUT_FIELDS = ["per_capita_income", "months_above_line", "dibao_line", "visits_done", "visits_due", "measures_done",
                "measures_total", "aid_by_program", "aid_total"]  # fmt: skip


CLOSED_STATUSES = [FileStatus.EXITED, FileStatus.RELIEVED, FileStatus.CANCELLED]


class RunAlreadyActive(DomainError):
    pass


def _ensure_may_run(by: User | None, organization: Organization) -> None:
    if by is None:  # the beat schedule or the command line
        return
    if not (by.has_role(Role.APPROVER) or by.has_role(Role.LEADER)) or not path_in_scope(by, organization.path):
        raise NotPermitted(_("Approvers and leaders start assessments of their own union and the unions below."))


def files_to_assess(organization: Organization, year: int):
    """Every file of the subtree that was filed at some time during the year (DOMAIN.md), closed since or not."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return HardshipFile.objects.filter(org_path__startswith=organization.path, activated_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start), status__in=[*FILED_STATUSES, *CLOSED_STATUSES]
    )


def _refuse_second_run(organization: Organization, year: int) -> None:
    jobs_fail_stale(AssessmentRun.objects.filter(organization=organization, year=year))  # a lost run blocks no one
    runs = AssessmentRun.objects.filter(organization=organization, year=year, status__in=ACTIVE_RUN_STATUSES)
    active = runs.first()
    if active is not None:
        raise RunAlreadyActive(
            _("An assessment of %(union)s for %(year)d is already %(status)s (requested %(at)s); wait for it.")
            % {"union": organization.name, "year": year, "status": active.get_status_display(),
               "at": timezone.localtime(active.created_at).strftime("%Y-%m-%d %H:%M")}
        )  # fmt: skip


@transaction.atomic
def assessment_start(
    *, organization: Organization, year: int, by: User | None = None, queue: bool = True
) -> AssessmentRun:
    """Queue a run for the union and its subtree (by None: the beat schedule). At most one active per union and year.

    With `queue=False` the caller carries it out itself (`run_assessment --sync`)."""
    from assessment.tasks import assessment_run_task

    _ensure_may_run(by, organization)
    _refuse_second_run(organization, year)
    run = AssessmentRun(year=year, started_by=by, task_id=str(uuid.uuid4()))
    run.set_organization(organization)
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError as error:  # a second request between our check and the insert
        raise RunAlreadyActive(_("An assessment of this union and year is already queued or running.")) from error
    if queue:
        transaction.on_commit(lambda: assessment_run_task.apply_async(args=[run.pk], task_id=run.task_id))
    return run


class RunNotFailed(DomainError):
    pass


def assessment_resume(*, run: AssessmentRun, by: User | None = None) -> AssessmentRun:
    """Queue a failed (or stuck) run again; it carries on after its last file. A second click queues nothing."""
    from assessment.tasks import assessment_run_task

    jobs_fail_stale(AssessmentRun.objects.filter(pk=run.pk))
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().select_related("organization").get(pk=run.pk)
        _ensure_may_run(by, run.organization)
        if run.status == RunStatus.SUCCEEDED:
            raise RunNotFailed(_("This assessment has finished; start a new one to assess again."))
        if run.status != RunStatus.FAILED:
            raise RunNotFailed(_("This assessment is already queued or running; nothing was changed."))
        _refuse_other_active(run)
        run.status, run.error, run.task_id = RunStatus.QUEUED, "", str(uuid.uuid4())
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["status", "error", "task_id", "heartbeat_at"])
        transaction.on_commit(lambda: assessment_run_task.apply_async(args=[run.pk], task_id=run.task_id))
    return run


def _refuse_other_active(run: AssessmentRun) -> None:
    others = AssessmentRun.objects.filter(
        organization=run.organization_id, year=run.year, status__in=ACTIVE_RUN_STATUSES
    )
    if others.exclude(pk=run.pk).exists():
        raise RunAlreadyActive(_("Another assessment of this union and year is already queued or running."))


def assessment_execute(*, run: AssessmentRun, chunk_size: int | None = None, today=None) -> AssessmentRun:
    """Assess every file of the run's subtree in chunks, then write the summaries.

    Each chunk is one transaction that writes its rows (replacing any of the same file and year) and moves the run's
    cursor on; a run that died carries on after the last chunk it committed, without duplicates or gaps.
    """
    chunk_size = chunk_size or settings.ASSESSMENT_CHUNK_SIZE
    try:
        run = _mark_running(run)
        if run.status == RunStatus.SUCCEEDED:  # a redelivered task of a finished run: nothing to do
            return run
        standards = StandardCache(run.year)
        while _assess_next_chunk(run, chunk_size, standards, today):
            pass
        job_heartbeat(run)
        with transaction.atomic():
            summaries_compute(organization=run.organization, year=run.year, run=run)
            AssessmentRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, finished_at=timezone.now())
    except Exception as error:
        job_fail(job=run, reason=job_error_reason(error))
        raise
    return AssessmentRun.objects.get(pk=run.pk)


def _mark_running(run: AssessmentRun) -> AssessmentRun:
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().select_related("organization").get(pk=run.pk)
        if run.status == RunStatus.SUCCEEDED:
            return run
        run.status = RunStatus.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.finished_at, run.error, run.heartbeat_at = None, "", timezone.now()
        run.total = files_to_assess(run.organization, run.year).count()
        run.done = _done(run)
        run.save(update_fields=["status", "started_at", "finished_at", "error", "total", "done", "heartbeat_at"])
    return run


def _done(run: AssessmentRun) -> int:
    """Files up to the cursor: what this run has written, even if a run of a union above rewrote some rows since."""
    return files_to_assess(run.organization, run.year).filter(pk__lte=run.cursor).count()


@transaction.atomic
def _assess_next_chunk(run: AssessmentRun, chunk_size: int, standards: StandardCache, today=None) -> bool:
    """Assess the next chunk after the cursor; False when there is none left."""
    locked = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    files = list(
        files_to_assess(run.organization, run.year)
        .filter(pk__gt=locked.cursor)
        .select_related("household__organization")
        .order_by("pk")[:chunk_size]
    )
    if not files:
        return False
    results = assess_chunk(files, run.year, standards, today)
    rows = []
    for file in files:
        inputs, recommendation, reasons = results[file.pk]
        rows.append(
            HouseholdAssessment(
                run=run, file=file, year=run.year, organization_id=file.organization_id, org_path=file.org_path,
                recommendation=recommendation,
                reasons=reasons, **{name: getattr(inputs, name) for name in INPUT_FIELDS},
            )
        )  # fmt: skip
    HouseholdAssessment.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["file", "year"],
        update_fields=["run", "organization", "org_path", "recommendation", "reasons", "assessed_at", *INPUT_FIELDS],
    )
    locked.cursor = files[-1].pk
    locked.done = min(locked.done + len(files), locked.total)
    locked.heartbeat_at = timezone.now()
    locked.save(update_fields=["cursor", "done", "heartbeat_at"])
    return True
