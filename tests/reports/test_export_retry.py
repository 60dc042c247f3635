"""A background export that failed or lost its worker shows so on the ledgers page, and its requester exports again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.exports import JobNotFailed, NotPermitted, export_job_retry, export_job_start
from reports.models import ExportJob, JobStatus, LedgerKind
from reports.tasks import ledger_export_task
from tests.reports import test_ledgers as ledger_tests
from tests.reports.test_ledgers import YEAR

standard, files = ledger_tests.standard, ledger_tests.files
REASON = "超过15分钟没有进展"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.JOB_STALE_MINUTES = 15


@pytest.fixture
def queued(monkeypatch):
    """Every task queued, by its job id: nothing runs until the test says so."""
    calls = []
    monkeypatch.setattr(ledger_export_task, "apply_async", lambda args, **kwargs: calls.append(args[0]))
    return calls


@pytest.fixture
def lost_job(tree, files, leader, queued) -> ExportJob:
    """An export whose worker was killed while writing: "running", with no sign of life for 20 minutes."""
    job = export_job_start(kind=LedgerKind.HOUSEHOLDS, organization=tree["county"], year=YEAR, user=leader)
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, done=1, heartbeat_at=timezone.now() - timedelta(minutes=20)
    )
    return job


def retry(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/ledgers/jobs/{job.pk}/retry/", follow=True)


def test_the_ledgers_page_shows_a_job_that_lost_its_worker_as_failed_with_the_reason_and_a_retry(
    client, lost_job, leader
):
    client.force_login(leader)

    html = client.get("/ledgers/").content.decode()

    assert 'data-testid="export-error"' in html and REASON in html
    assert f'action="/ledgers/jobs/{lost_job.pk}/retry/"' in html
    lost_job.refresh_from_db()
    assert lost_job.status == JobStatus.FAILED


def test_the_progress_poll_stops_and_offers_the_retry_once_the_job_is_stale(client, lost_job, leader):
    client.force_login(leader)

    html = client.get(f"/ledgers/jobs/{lost_job.pk}/progress/").content.decode()

    assert "hx-get" not in html
    assert 'data-testid="export-retry"' in html and REASON in html


def test_a_retry_queues_the_job_again_and_the_worker_writes_the_file(
    client, lost_job, leader, queued, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    client.get("/ledgers/")

    response = retry(client, lost_job, django_capture_on_commit_callbacks)

    assert response.redirect_chain == [("/ledgers/", 302)]
    lost_job.refresh_from_db()
    assert (lost_job.status, lost_job.error, lost_job.done) == (JobStatus.QUEUED, "", 0)
    assert queued == [lost_job.pk]
    ledger_export_task(lost_job.pk)
    lost_job.refresh_from_db()
    assert lost_job.status == JobStatus.SUCCEEDED and lost_job.file
    assert 'data-testid="export-download"' in client.get("/ledgers/").content.decode()


def test_a_stale_job_may_be_retried_without_the_page_having_been_read(
    lost_job, leader, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert export_job_retry(job=lost_job, by=leader).status == JobStatus.QUEUED
    assert queued == [lost_job.pk]


def test_a_second_click_queues_nothing_and_says_so(
    client, lost_job, leader, queued, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    retry(client, lost_job, django_capture_on_commit_callbacks)

    response = retry(client, lost_job, django_capture_on_commit_callbacks)

    assert queued == [lost_job.pk]
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert "未作任何更改" in response.content.decode()


def test_a_job_that_is_running_and_beating_is_not_queued_again(
    client, tree, files, leader, queued, django_capture_on_commit_callbacks
):
    job = export_job_start(kind=LedgerKind.HOUSEHOLDS, organization=tree["county"], year=YEAR, user=leader)
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    client.force_login(leader)

    retry(client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and queued == []
    with pytest.raises(JobNotFailed):
        export_job_retry(job=job, by=leader)


def test_an_outsider_gets_404_and_changes_nothing(
    client, lost_job, outsider, queued, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    assert retry(client, lost_job, django_capture_on_commit_callbacks).status_code == 404
    lost_job.refresh_from_db()
    assert lost_job.status == JobStatus.RUNNING and queued == []


def test_a_colleague_in_scope_who_did_not_ask_for_it_gets_404(
    client, lost_job, approver, queued, django_capture_on_commit_callbacks
):
    """The file is written with the requester's masking: only the requester runs it again."""
    client.force_login(approver)
    assert retry(client, lost_job, django_capture_on_commit_callbacks).status_code == 404
    assert queued == []
    with pytest.raises(NotPermitted):
        export_job_retry(job=lost_job, by=approver)


def test_a_get_on_the_retry_is_405(client, lost_job, leader):
    client.force_login(leader)
    assert client.get(f"/ledgers/jobs/{lost_job.pk}/retry/").status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_on_the_retry_queue_the_export_once(tree, leader, queued):
    from tests.programs.test_concurrency import race

    job = export_job_start(kind=LedgerKind.HOUSEHOLDS, organization=tree["county"], year=YEAR, user=leader)
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    queued.clear()

    results = race(lambda i: export_job_retry(job=job, by=leader), 6)

    assert queued == [job.pk]
    assert sum(isinstance(result, ExportJob) for result in results) == 1
    assert all(isinstance(result, (ExportJob, JobNotFailed)) for result in results), results
