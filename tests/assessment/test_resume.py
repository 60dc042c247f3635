"""A run that lost its worker is failed with the reason, is resumed from its page once, and blocks no new run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from assessment.choices import RunStatus
from assessment.models import AssessmentRun
from assessment.services import RunNotFailed, assessment_resume, assessment_start
from assessment.tasks import assessment_run_task
from tests.assessment.test_pages import PAGE, YEAR, make_run
from tests.factories import UserFactory

REASON = "超过15分钟没有进展"


@pytest.fixture(autouse=True)
def _fifteen_minutes(settings):
    settings.JOB_STALE_MINUTES = 15


@pytest.fixture
def queued(monkeypatch):
    """Every task queued, by its run id: nothing runs until the test says so."""
    calls = []
    monkeypatch.setattr(assessment_run_task, "apply_async", lambda args, **kwargs: calls.append(args[0]))
    return calls


@pytest.fixture
def lost_run(tree, leader) -> AssessmentRun:
    """A run whose worker was killed between two chunks: "running", with no sign of life for 20 minutes."""
    run = make_run(tree["county"], status=RunStatus.RUNNING, by=leader)
    AssessmentRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=20))
    return run


def resume(client, run, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/assessment/runs/{run.pk}/resume/", follow=True)


def test_the_progress_poll_has_the_page_reloaded_once_the_run_is_stale(client, lost_run, leader):
    client.force_login(leader)

    response = client.get(f"/assessment/runs/{lost_run.pk}/progress/")

    assert response["HX-Refresh"] == "true"
    lost_run.refresh_from_db()
    assert lost_run.status == RunStatus.FAILED and REASON in lost_run.error


def test_a_stale_run_is_resumed_once_however_often_the_button_is_clicked(
    client, lost_run, leader, queued, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    assert f'action="/assessment/runs/{lost_run.pk}/resume/"' in client.get(PAGE, {"year": YEAR}).content.decode()

    first = resume(client, lost_run, django_capture_on_commit_callbacks)
    second = resume(client, lost_run, django_capture_on_commit_callbacks)

    assert queued == [lost_run.pk]
    assert [message.level_tag for message in first.context["messages"]] == ["success"]
    assert [message.level_tag for message in second.context["messages"]] == ["error"]
    assert "未作任何更改" in second.content.decode()
    lost_run.refresh_from_db()
    assert (lost_run.status, lost_run.error) == (RunStatus.QUEUED, "")


def test_a_stale_run_may_be_resumed_without_the_page_having_been_read(
    lost_run, leader, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert assessment_resume(run=lost_run, by=leader).status == RunStatus.QUEUED
    assert queued == [lost_run.pk]


def test_a_run_that_is_running_and_beating_is_not_queued_again(tree, leader, queued):
    run = make_run(tree["county"], status=RunStatus.RUNNING, by=leader)
    AssessmentRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    with pytest.raises(RunNotFailed):
        assessment_resume(run=run, by=leader)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_a_run_that_lost_its_worker_does_not_block_a_new_one(tree, lost_run, leader, queued):
    run = assessment_start(organization=tree["county"], year=YEAR, by=leader)

    assert run.pk != lost_run.pk and run.status == RunStatus.QUEUED
    lost_run.refresh_from_db()
    assert lost_run.status == RunStatus.FAILED


def test_an_approver_of_the_sibling_county_gets_404(client, tree, lost_run, queued, django_capture_on_commit_callbacks):
    outsider = UserFactory(username="outsider_approver", organization=tree["sibling_county"], role=Role.APPROVER)
    client.force_login(outsider)
    assert resume(client, lost_run, django_capture_on_commit_callbacks).status_code == 404
    assert client.get(f"/assessment/runs/{lost_run.pk}/progress/").status_code == 404
    assert queued == []


def test_a_caseworker_gets_404_and_nothing_is_queued(
    client, lost_run, caseworker, queued, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    assert resume(client, lost_run, django_capture_on_commit_callbacks).status_code == 404
    assert queued == []


def test_a_get_on_the_resume_is_405(client, lost_run, leader):
    client.force_login(leader)
    assert client.get(f"/assessment/runs/{lost_run.pk}/resume/").status_code == 405
