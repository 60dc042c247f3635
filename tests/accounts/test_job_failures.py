"""A job whose database connection drops ends failed with its error, written on a fresh connection; never "running"."""

import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.db.models import QuerySet

from accounts.jobs import JobFailureNotRecorded
from assessment import services as assessment_services
from assessment.choices import RunStatus
from assessment.models import AssessmentRun
from assessment.services import assessment_start
from assessment.tasks import assessment_run_task
from reports import exports
from reports import import_tasks as imports
from reports.exports import export_job_start
from reports.models import ExportJob, ImportJob, ImportStatus, JobStatus, LedgerKind
from reports.tasks import ledger_export_task


def on_postgres(test):
    """A real server that can end a session; the job's own writes are committed, as in a worker."""
    return pytest.mark.postgres(pytest.mark.django_db(transaction=True)(test))


def drop_the_connection(*args, **kwargs):
    """What a restarted database server or a cut network does to a worker: the server ends its session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])  # waits until the session has ended
    finally:
        other.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # OperationalError: the server closed the connection
    raise AssertionError("the connection should have dropped")


def export_queued(tree, user, monkeypatch) -> ExportJob:
    monkeypatch.setattr(ledger_export_task, "apply_async", lambda *args, **kwargs: None)
    return export_job_start(kind=LedgerKind.HOUSEHOLDS, organization=tree["county"], year=2026, user=user)


def errors_logged(caplog) -> list[BaseException]:
    return [record.exc_info[1] for record in caplog.records if record.exc_info and record.levelno >= logging.ERROR]


@on_postgres
def test_an_export_whose_connection_drops_ends_failed_with_the_error(tree, leader, monkeypatch, caplog):
    job = export_queued(tree, leader, monkeypatch)
    monkeypatch.setitem(exports.WRITERS, LedgerKind.HOUSEHOLDS, drop_the_connection)

    ledger_export_task(job.pk)

    job = ExportJob.objects.get(pk=job.pk)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("OperationalError") and job.finished_at is not None
    assert any(isinstance(error, OperationalError) for error in errors_logged(caplog)), "the error was swallowed"


@on_postgres
def test_an_assessment_whose_connection_drops_ends_failed_with_the_error(tree, active_file, leader, monkeypatch):
    monkeypatch.setattr(assessment_run_task, "apply_async", lambda *args, **kwargs: None)
    run = assessment_start(organization=tree["county"], year=2026, by=leader)
    monkeypatch.setattr(assessment_services, "assess_chunk", drop_the_connection)

    assessment_run_task(run.pk)

    run = AssessmentRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("OperationalError") and run.finished_at is not None


@on_postgres
@pytest.mark.parametrize("step, work", [("check", "import_check"), ("commit", "import_write")])
def test_an_import_whose_connection_drops_ends_failed_with_the_error(tree, caseworker, monkeypatch, step, work):
    job = ImportJob(uploaded_by=caseworker, original_name="花名册.xlsx", file="imports/a.xlsx")
    job.set_organization(tree["county"])
    job.save()
    monkeypatch.setattr(imports, work, drop_the_connection)

    imports.import_households_task(job.pk, step, caseworker.pk)

    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("OperationalError")


def test_when_not_even_a_fresh_connection_can_mark_it_the_task_fails_with_both_errors(tree, leader, monkeypatch):
    job = export_queued(tree, leader, monkeypatch)

    def broken(scope, target, progress=None):
        raise ValueError("disk full")

    def database_down(self, **values):
        raise OperationalError("could not connect to server")

    monkeypatch.setitem(exports.WRITERS, LedgerKind.HOUSEHOLDS, broken)
    monkeypatch.setattr(QuerySet, "update", database_down)

    with pytest.raises(JobFailureNotRecorded) as raised:
        ledger_export_task(job.pk)

    assert isinstance(raised.value.__cause__, OperationalError)
    assert isinstance(raised.value.__cause__.__context__, ValueError)  # the original error travels with it
