"""A big ledger export started on the web page, written by a real Celery worker through Redis, downloaded as xlsx."""

import io
import time

import pytest
from openpyxl import load_workbook

from hardship.celery import app
from reports.ledgers import HOUSEHOLD_SHEET, MEMBER_SHEET
from reports.models import ExportJob, ExportLog, JobStatus
from tests.cases.factories import make_active_file, make_household, make_standard
from tests.integration import test_worker as worker_tests

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
YEAR = 2026

worker = worker_tests.worker


@pytest.fixture
def private_media(monkeypatch, settings, tmp_path):
    """The worker writes the file and this process serves it: both read the same private root."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(tmp_path))
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def export_worker(private_media, worker):
    """The worker, with the tasks this process queues sent to its queue alone."""
    queue, process = worker
    before = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield process
    app.conf.task_default_queue = before


def wait_until_finished(job: ExportJob, process) -> ExportJob:
    deadline = time.monotonic() + 90
    while job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(f"the worker did not finish the export in 90 s:\n{process.communicate(timeout=20)[0]}")
        time.sleep(0.2)
        job.refresh_from_db()
    return job


def test_a_big_export_is_written_by_the_worker_and_downloads_as_xlsx(
    client, settings, tree, caseworker, approver, leader, export_worker
):
    settings.LEDGER_DIRECT_MAX_ROWS = 2
    make_standard(tree["province"])
    files = [
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
        for union in ("street_a", "street_a", "street_b")
    ]
    client.force_login(leader)

    response = client.post("/ledgers/export/", {"kind": "households", "org": tree["county"].pk, "year": YEAR})

    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert client.get(f"/ledgers/jobs/{job.pk}/progress/").status_code == 200
    job = wait_until_finished(job, export_worker)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.done, job.total, job.requested_by) == (3, 3, leader)
    assert 'data-testid="export-download"' in client.get(f"/ledgers/jobs/{job.pk}/progress/").content.decode()

    download = client.get(f"/ledgers/jobs/{job.pk}/download/")

    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames == [HOUSEHOLD_SHEET, MEMBER_SHEET]
    rows = list(book[HOUSEHOLD_SHEET].values)[1:]
    assert sorted(row[1] for row in rows) == sorted(file.number for file in files)
    assert len(list(book[MEMBER_SHEET].values)) == 1 + 3 * 3
    log = ExportLog.objects.get(via="job")
    assert (log.via, log.user, log.rows, log.masked) == ("job", leader, 3, True)
    log = ExportLog.objects.get(via="download")  # and the download, logged too
    assert (log.user, log.rows, log.masked) == (leader, 3, True)
    assert export_worker.poll() is None, "the worker is still alive after the export"
