"""Big ledgers as background jobs: the threshold, the job's progress and file, who may download it and until when."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from reports import exports, ledgers
from reports.exports import export_files_purge, export_job_start
from reports.models import ExportJob, ExportLog, JobStatus, LedgerKind
from reports.tasks import ledger_export_task
from tests.reports import test_ledgers as ledger_tests
from tests.reports.test_ledgers import YEAR, content_of, rows_of, workbook_of

standard, files = ledger_tests.standard, ledger_tests.files


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def low_threshold(settings):
    settings.LEDGER_DIRECT_MAX_ROWS = 1


def start_on_page(client, user, organization, django_capture_on_commit_callbacks, kind=LedgerKind.HOUSEHOLDS):
    """Post the form; the job's task runs in-process (eager) once the request's transaction commits."""
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/ledgers/export/", {"kind": kind, "org": organization.pk, "year": YEAR})


@pytest.fixture
def finished_job(client, tree, files, leader, low_threshold, django_capture_on_commit_callbacks):
    start_on_page(client, leader, tree["county"], django_capture_on_commit_callbacks)
    return ExportJob.objects.get()


def test_above_the_threshold_the_page_queues_a_job_that_writes_the_file(
    client, tree, files, leader, low_threshold, django_capture_on_commit_callbacks
):
    response = start_on_page(client, leader, tree["county"], django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response.url == "/ledgers/"
    job = ExportJob.objects.get()
    assert (job.status, job.done, job.total, job.requested_by, job.organization) == (
        JobStatus.SUCCEEDED, 2, 2, leader, tree["county"],
    )  # fmt: skip
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".xlsx")
    assert timedelta(hours=23) < job.expires_at - timezone.now() <= timedelta(hours=24)
    log = ExportLog.objects.get()
    assert (log.via, log.user, log.rows, log.masked) == ("job", leader, 2, True)


def test_up_to_the_threshold_the_file_comes_back_at_once_and_no_job_is_made(client, tree, files, leader, settings):
    settings.LEDGER_DIRECT_MAX_ROWS = 2
    client.force_login(leader)
    response = client.post("/ledgers/export/", {"kind": "households", "org": tree["county"].pk, "year": YEAR})
    assert response.status_code == 200
    assert not ExportJob.objects.exists()


def test_the_download_link_serves_the_xlsx_with_the_expected_rows(client, finished_job, files):
    html = client.get("/ledgers/").content.decode()
    assert f"/ledgers/jobs/{finished_job.pk}/download/" in html

    response = client.get(f"/ledgers/jobs/{finished_job.pk}/download/")

    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = workbook_of(content_of(response))
    assert sorted(row["档案编号"] for row in rows_of(book[ledgers.HOUSEHOLD_SHEET])) == sorted(f.number for f in files)


def test_the_progress_polls_while_the_job_is_queued_and_shows_the_link_once_done(
    client, tree, files, leader, low_threshold, monkeypatch
):
    monkeypatch.setattr(ledger_export_task, "apply_async", lambda *args, **kwargs: None)
    client.force_login(leader)
    client.post("/ledgers/export/", {"kind": "households", "org": tree["county"].pk, "year": YEAR})
    job = ExportJob.objects.get()
    assert job.status == JobStatus.QUEUED

    html = client.get(f"/ledgers/jobs/{job.pk}/progress/").content.decode()
    assert "hx-get" in html and "export-download" not in html
    assert f"/ledgers/jobs/{job.pk}/progress/" in client.get("/ledgers/").content.decode()
    assert client.get(f"/ledgers/jobs/{job.pk}/download/").status_code == 404

    ledger_export_task(job.pk)

    html = client.get(f"/ledgers/jobs/{job.pk}/progress/").content.decode()
    assert "hx-get" not in html and 'data-testid="export-download"' in html


def test_the_link_expires_after_a_day(client, finished_job):
    ExportJob.objects.filter(pk=finished_job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(f"/ledgers/jobs/{finished_job.pk}/download/")

    assert response.status_code == 410
    assert 'data-testid="export-expired"' in response.content.decode()
    assert 'data-testid="export-expired"' in client.get("/ledgers/").content.decode()


def test_expired_files_are_purged(client, finished_job):
    path = finished_job.file.path
    assert export_files_purge() == 0
    ExportJob.objects.filter(pk=finished_job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert export_files_purge() == 1
    finished_job.refresh_from_db()
    assert not finished_job.file
    assert not os.path.exists(path)
    assert client.get(f"/ledgers/jobs/{finished_job.pk}/download/").status_code == 410


def test_an_outsider_gets_404_on_the_progress_and_the_download(client, finished_job, outsider):
    client.force_login(outsider)
    assert client.get(f"/ledgers/jobs/{finished_job.pk}/progress/").status_code == 404
    assert client.get(f"/ledgers/jobs/{finished_job.pk}/download/").status_code == 404


def test_a_colleague_in_scope_may_not_fetch_the_requesters_file(client, finished_job, caseworker):
    """The file was written with the requester's masking: a colleague with another role exports their own."""
    client.force_login(caseworker)
    assert client.get(f"/ledgers/jobs/{finished_job.pk}/download/").status_code == 404
    assert f"/ledgers/jobs/{finished_job.pk}/" not in client.get("/ledgers/").content.decode()


def test_a_post_on_the_progress_and_the_download_is_405(client, finished_job):
    assert client.post(f"/ledgers/jobs/{finished_job.pk}/progress/").status_code == 405
    assert client.post(f"/ledgers/jobs/{finished_job.pk}/download/").status_code == 405


def test_a_failing_job_is_marked_failed_and_the_task_does_not_raise(tree, files, leader, monkeypatch):
    def broken(scope, target, progress=None):
        raise ValueError("disk full")

    monkeypatch.setitem(exports.WRITERS, LedgerKind.HOUSEHOLDS, broken)
    monkeypatch.setattr(ledger_export_task, "apply_async", lambda *args, **kwargs: None)
    job = export_job_start(kind="households", organization=tree["county"], year=YEAR, user=leader)

    ledger_export_task(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk full" in job.error
    assert not job.file and not ExportLog.objects.exists()


def test_running_the_task_twice_writes_one_file_and_one_log(finished_job):
    name = finished_job.file.name
    ledger_export_task(finished_job.pk)
    finished_job.refresh_from_db()
    assert (finished_job.status, finished_job.file.name) == (JobStatus.SUCCEEDED, name)
    assert ExportLog.objects.count() == 1


def test_a_job_above_the_cap_is_refused(client, tree, files, leader, low_threshold, settings):
    settings.LEDGER_MAX_ROWS = 1
    client.force_login(leader)
    response = client.post("/ledgers/export/", {"kind": "households", "org": tree["county"].pk, "year": YEAR})
    assert response.status_code == 302
    assert not ExportJob.objects.exists()


def test_a_job_of_a_union_outside_scope_is_refused_by_the_service(tree, outsider):
    with pytest.raises(exports.NotPermitted):
        export_job_start(kind="households", organization=tree["county"], year=YEAR, user=outsider)
    assert not ExportJob.objects.exists()


def test_every_download_of_a_background_export_is_logged_with_who_when_and_what(client, finished_job, leader):
    before = timezone.now()
    for _ in range(2):
        response = client.get(f"/ledgers/jobs/{finished_job.pk}/download/")
        assert response.status_code == 200
        b"".join(response.streaming_content)

    downloads = list(ExportLog.objects.filter(via="download").order_by("pk"))
    assert len(downloads) == 2
    for log in downloads:
        assert (log.user, log.kind, log.year, log.organization, log.rows, log.masked) == (
            leader, LedgerKind.HOUSEHOLDS, YEAR, finished_job.organization, 2, True,
        )  # fmt: skip
        assert before <= log.created_at <= timezone.now()
    assert ExportLog.objects.filter(via="job").count() == 1  # the writing of the file, once


def test_a_download_logs_the_file_as_it_was_written_unmasked_for_an_approver(
    client, tree, files, approver, low_threshold, django_capture_on_commit_callbacks
):
    start_on_page(client, approver, tree["county"], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.masked is False

    assert client.get(f"/ledgers/jobs/{job.pk}/download/").status_code == 200

    log = ExportLog.objects.get(via="download")
    assert (log.user, log.masked) == (approver, False)


def test_a_refused_download_logs_nothing(client, finished_job, caseworker):
    client.force_login(caseworker)
    assert client.get(f"/ledgers/jobs/{finished_job.pk}/download/").status_code == 404
    ExportJob.objects.filter(pk=finished_job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(finished_job.requested_by)
    assert client.get(f"/ledgers/jobs/{finished_job.pk}/download/").status_code == 410
    assert not ExportLog.objects.filter(via="download").exists()
