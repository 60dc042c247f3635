"""An import whose check or commit lost its worker shows as failed on its page, and a caseworker tries it again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Household
from reports import import_tasks
from reports.import_tasks import ImportNotFailed, import_commit, import_retry, import_upload
from reports.models import ImportJob, ImportStatus
from tests.reports.test_import import households, roster_bytes, upload_of

REASON = "超过15分钟没有进展"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.JOB_STALE_MINUTES = 15


@pytest.fixture
def queued(monkeypatch):
    """Every task queued, as (job id, step): nothing runs until the test says so."""
    calls = []
    monkeypatch.setattr(import_tasks.import_households_task, "delay", lambda job_id, step, *args: calls.append(step))
    return calls


def job_with(tree, caseworker, **fields) -> ImportJob:
    """A checked roster of 4 member rows, then set to `fields`."""
    job = import_upload(organization=tree["county"], by=caseworker, upload=upload_of(roster_bytes()))
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def quiet(job, minutes=20):
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def lost_commit(tree, caseworker, settings, queued, django_capture_on_commit_callbacks) -> ImportJob:
    """A big roster whose commit was queued, then its worker killed: "queued", quiet for 20 minutes."""
    settings.IMPORT_DIRECT_MAX_ROWS = 2
    job = job_with(tree, caseworker, status=ImportStatus.VALID, rows=4)
    with django_capture_on_commit_callbacks(execute=True):
        import_commit(job=job, by=caseworker)
    assert queued == ["commit"]
    queued.clear()
    quiet(job)
    return job


def post(client, url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, follow=True)


def test_the_page_shows_a_commit_that_lost_its_worker_as_failed_with_the_reason_and_a_retry(
    client, lost_commit, caseworker
):
    client.force_login(caseworker)

    html = client.get(f"/imports/{lost_commit.pk}/").content.decode()

    assert 'data-testid="failed"' in html and REASON in html
    assert f'action="/imports/{lost_commit.pk}/retry/"' in html
    lost_commit.refresh_from_db()
    assert lost_commit.status == ImportStatus.FAILED


def test_a_commit_that_lost_its_worker_no_longer_refuses_the_import(
    client, lost_commit, caseworker, queued, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)

    response = post(client, f"/imports/{lost_commit.pk}/commit/", django_capture_on_commit_callbacks)

    assert [message.level_tag for message in response.context["messages"]] == []
    assert queued == ["commit"]
    lost_commit.refresh_from_db()
    assert lost_commit.status == ImportStatus.QUEUED


def test_the_progress_poll_has_the_page_reloaded_once_a_check_is_stale(client, tree, caseworker):
    job = job_with(tree, caseworker, status=ImportStatus.VALIDATING)
    client.force_login(caseworker)
    assert "HX-Refresh" not in client.get(f"/imports/{job.pk}/progress/")
    quiet(job)

    response = client.get(f"/imports/{job.pk}/progress/")

    assert response["HX-Refresh"] == "true"
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and REASON in job.error


def test_a_retry_checks_the_file_again_and_then_it_imports(
    client, lost_commit, caseworker, queued, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    client.get(f"/imports/{lost_commit.pk}/")

    response = post(client, f"/imports/{lost_commit.pk}/retry/", django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(f"/imports/{lost_commit.pk}/", 302)]
    assert queued == ["check"]
    lost_commit.refresh_from_db()
    assert (lost_commit.status, lost_commit.error) == (ImportStatus.QUEUED, "")
    import_tasks.import_households_task(lost_commit.pk, "check", caseworker.pk)
    lost_commit.refresh_from_db()
    assert lost_commit.status == ImportStatus.VALID
    import_tasks.import_households_task(lost_commit.pk, "commit", caseworker.pk)
    assert Household.objects.count() == len(households())


def test_a_second_click_queues_nothing_and_says_so(
    client, tree, caseworker, queued, django_capture_on_commit_callbacks
):
    job = job_with(tree, caseworker, status=ImportStatus.FAILED, error="连接中断")
    client.force_login(caseworker)
    post(client, f"/imports/{job.pk}/retry/", django_capture_on_commit_callbacks)

    response = post(client, f"/imports/{job.pk}/retry/", django_capture_on_commit_callbacks)

    assert queued == ["check"]
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    with pytest.raises(ImportNotFailed):
        import_retry(job=job, by=caseworker)


def test_an_outsider_gets_404_and_changes_nothing(client, tree, caseworker, outsider, queued):
    job = job_with(tree, caseworker, status=ImportStatus.FAILED, error="连接中断")
    client.force_login(outsider)
    assert client.post(f"/imports/{job.pk}/retry/").status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_a_leader_may_not_retry_an_import(client, tree, caseworker, leader, queued, django_capture_on_commit_callbacks):
    job = job_with(tree, caseworker, status=ImportStatus.FAILED, error="连接中断")
    client.force_login(leader)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert post(client, f"/imports/{job.pk}/retry/", django_capture_on_commit_callbacks).status_code == 404
    assert queued == []


def test_a_get_on_the_retry_is_405(client, tree, caseworker):
    job = job_with(tree, caseworker, status=ImportStatus.FAILED)
    client.force_login(caseworker)
    assert client.get(f"/imports/{job.pk}/retry/").status_code == 405
