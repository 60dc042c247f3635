"""A worker killed in the middle of a big export: the beat's sweep marks the job failed, and a retry from the ledgers
page is written by another worker and downloads. Real Celery workers through Redis, on PostgreSQL."""

import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.tasks import jobs_fail_stale_task
from hardship.celery import app
from reports.models import ExportJob, ExportLog, JobStatus
from tests.cases.factories import make_active_file, make_household, make_standard
from tests.integration import test_export_worker as export_tests
from tests.integration.test_worker import start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
YEAR = 2026

private_media = export_tests.private_media


@pytest.fixture
def queue():
    """A queue of our own: the tasks this process queues go to the workers of this test alone."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    before = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = before


@pytest.fixture
def workers(queue, private_media):
    started = []

    def start(name: str):
        started.append(start_worker(queue, name=f"{queue}-{name}"))
        return started[-1]

    yield start
    for process in started:
        if process.poll() is None:
            stop_worker(process)


def wait_for(job: ExportJob, statuses, process, seconds=90) -> ExportJob:
    deadline = time.monotonic() + seconds
    while True:
        job = ExportJob.objects.get(pk=job.pk)
        if job.status in statuses:
            return job
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(f"the job stayed {job.status} for {seconds} s:\n{process.communicate(timeout=20)[0]}")
        time.sleep(0.2)


def test_a_worker_killed_mid_export_leaves_a_job_the_sweep_fails_and_a_retry_writes(
    client, settings, tree, caseworker, approver, leader, workers
):
    settings.LEDGER_DIRECT_MAX_ROWS = 2
    make_standard(tree["province"])
    for union in ("street_a", "street_a", "street_b"):
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
    client.force_login(leader)
    assert client.post("/ledgers/export/", {"kind": "households", "org": tree["county"].pk, "year": YEAR}).status_code
    job = ExportJob.objects.get()

    # The files are locked, so the worker stops in the middle of the export, "running"; then it is killed.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE cases_hardshipfile IN ACCESS EXCLUSIVE MODE")
        first = workers("first")
        job = wait_for(job, [JobStatus.RUNNING], first)
        first.kill()
        first.wait(timeout=20)
    time.sleep(1)
    assert ExportJob.objects.get(pk=job.pk).status == JobStatus.RUNNING

    # A quarter of an hour later, the beat's sweep runs on the worker that took over.
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=20))
    second = workers("second")
    jobs_fail_stale_task.apply_async()
    job = wait_for(job, [JobStatus.FAILED], second)
    assert "没有进展" in job.error
    html = client.get("/ledgers/").content.decode()
    assert 'data-testid="export-retry"' in html and job.error in html

    response = client.post(f"/ledgers/jobs/{job.pk}/retry/")

    assert response.status_code == 302
    job = wait_for(job, [JobStatus.SUCCEEDED, JobStatus.FAILED], second)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.done, job.total, job.error) == (3, 3, "")
    download = client.get(f"/ledgers/jobs/{job.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content)
    assert ExportLog.objects.filter(via="download", user=leader).count() == 1
    assert second.poll() is None, "the worker is still alive after the export"
