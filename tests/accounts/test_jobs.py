"""Stale background jobs: which job is stale, the sweep that marks it failed with a reason, and the broker setting."""

import threading
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from accounts.jobs import background_job_models, jobs_fail_stale, jobs_fail_stale_everywhere, stale_jobs
from accounts.tasks import jobs_fail_stale_task
from assessment.choices import RunStatus
from assessment.models import AssessmentRun
from hardship.celery import app
from reports.models import ExportJob, ImportJob, ImportStatus, JobStatus, LedgerKind

REASON = "超过15分钟没有进展"


def make_job(kind: str, organization, user, status: str | None = None, quiet_minutes: int | None = None):
    """A job of `kind` ("export", "import", "assessment"), quiet since `quiet_minutes` ago (None: it just beat)."""
    if kind == "export":
        job = ExportJob(kind=LedgerKind.HOUSEHOLDS, year=2026, requested_by=user, status=status or JobStatus.RUNNING)
    elif kind == "import":
        job = ImportJob(uploaded_by=user, original_name="花名册.xlsx", file="imports/a.xlsx",
                        status=status or ImportStatus.VALIDATING)  # fmt: skip
    else:
        job = AssessmentRun(year=2026, started_by=user, status=status or RunStatus.RUNNING)
    job.set_organization(organization)
    job.save()
    if quiet_minutes is not None:
        type(job).objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=quiet_minutes))
    return job


@pytest.fixture(autouse=True)
def _fifteen_minutes(settings):
    settings.JOB_STALE_MINUTES = 15


KINDS = ["export", "import", "assessment"]


@pytest.mark.parametrize("kind", KINDS)
def test_it_fails_a_running_job_quiet_for_longer_than_the_setting_with_the_reason(kind, tree, leader):
    job = make_job(kind, tree["county"], leader, quiet_minutes=16)

    assert jobs_fail_stale(type(job).objects.all()) == 1

    job.refresh_from_db()
    assert job.status == "failed"
    assert REASON in job.error
    assert job.heartbeat_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize("kind", KINDS)
def test_it_leaves_a_job_that_gave_a_sign_of_life_within_the_setting(kind, tree, leader):
    job = make_job(kind, tree["county"], leader, quiet_minutes=14)

    assert jobs_fail_stale(type(job).objects.all()) == 0

    job.refresh_from_db()
    assert job.status != "failed" and job.error == ""


@pytest.mark.parametrize("kind", KINDS)
def test_a_queued_job_that_never_beat_counts_from_its_request(kind, tree, leader):
    job = make_job(kind, tree["county"], leader, status="queued")
    assert job.heartbeat_at is None
    assert jobs_fail_stale(type(job).objects.all()) == 0

    type(job).objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=16))

    assert jobs_fail_stale(type(job).objects.all()) == 1
    job.refresh_from_db()
    assert job.status == "failed"


@pytest.mark.parametrize(
    "kind, status",
    [("export", JobStatus.SUCCEEDED), ("export", JobStatus.FAILED), ("assessment", RunStatus.SUCCEEDED),
     ("import", ImportStatus.VALID), ("import", ImportStatus.INVALID), ("import", ImportStatus.COMMITTED)],
)  # fmt: skip
def test_it_leaves_jobs_that_ended(kind, status, tree, leader):
    job = make_job(kind, tree["county"], leader, status=status, quiet_minutes=600)
    assert jobs_fail_stale(type(job).objects.all()) == 0
    job.refresh_from_db()
    assert job.status == status and job.error == ""


def test_the_setting_decides_how_quiet_is_stale(tree, leader, settings):
    job = make_job("export", tree["county"], leader, quiet_minutes=20)
    settings.JOB_STALE_MINUTES = 30
    assert stale_jobs(ExportJob.objects.all()).count() == 0
    settings.JOB_STALE_MINUTES = 10
    assert list(stale_jobs(ExportJob.objects.all())) == [job]


def test_a_run_and_an_export_end_with_the_time_of_the_failure(tree, leader):
    run = make_job("assessment", tree["county"], leader, quiet_minutes=30)
    export = make_job("export", tree["county"], leader, quiet_minutes=30)
    jobs_fail_stale_everywhere()
    run.refresh_from_db()
    export.refresh_from_db()
    assert run.finished_at is not None and export.finished_at is not None


def test_the_beat_sweep_fails_every_kind_of_stale_job_and_only_those(tree, leader):
    stale = [make_job(kind, tree["county"], leader, quiet_minutes=16) for kind in KINDS]
    alive = [make_job(kind, tree["sibling_county"], leader, quiet_minutes=1) for kind in KINDS]

    assert jobs_fail_stale_task.delay().get() == 3

    for job in stale:
        job.refresh_from_db()
        assert job.status == "failed" and REASON in job.error
    for job in alive:
        job.refresh_from_db()
        assert job.status != "failed"
    assert jobs_fail_stale_task.delay().get() == 0  # running it again changes nothing


def test_every_job_model_shares_the_mechanism():
    assert set(background_job_models()) == {AssessmentRun, ExportJob, ImportJob}


def test_the_sweep_runs_in_the_beat_schedule_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["fail-stale-jobs"]
    assert entry["task"] == "accounts.tasks.jobs_fail_stale_task"
    assert entry["schedule"] <= timedelta(minutes=settings.JOB_STALE_MINUTES)
    assert entry["task"] in app.tasks


def test_the_broker_visibility_timeout_outlasts_every_task_time_limit(settings):
    """Redis hands an unacknowledged task to another worker after the visibility timeout: a task still running
    then would run twice."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = [settings.CELERY_TASK_TIME_LIMIT, *(task.time_limit for task in app.tasks.values() if task.time_limit)]
    assert timeout > max(limits)
    assert app.conf.broker_transport_options["visibility_timeout"] == timeout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_row_a_worker_holds_locked_is_working_and_left_alone(tree, caseworker):
    """A big import commit writes under the job row's lock, without a heartbeat: the sweep neither waits nor fails it."""
    job = make_job("import", tree["county"], caseworker, status=ImportStatus.QUEUED, quiet_minutes=60)
    locked, release = threading.Event(), threading.Event()

    def worker_holding_the_lock():
        worker = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with worker.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT id FROM reports_importjob WHERE id = %s FOR UPDATE", [job.pk])
                locked.set()
                release.wait(timeout=30)
                cursor.execute("COMMIT")
        finally:
            worker.close()

    thread = threading.Thread(target=worker_holding_the_lock)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert jobs_fail_stale(ImportJob.objects.all()) == 0
        job.refresh_from_db()
        assert job.status == ImportStatus.QUEUED
    finally:
        release.set()
        thread.join(timeout=30)

    assert jobs_fail_stale(ImportJob.objects.all()) == 1
