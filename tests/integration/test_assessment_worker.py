"""The year-end assessment started from the web page, carried out by a real Celery worker through Redis."""

import time

import pytest

from assessment.choices import RunStatus
from assessment.models import AnnualSummary, AssessmentRun, HouseholdAssessment
from hardship.celery import app
from tests.cases.factories import make_active_file, make_household, make_standard
from tests.integration import test_worker as worker_tests

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
YEAR = 2026

worker = worker_tests.worker


@pytest.fixture
def small_chunks(monkeypatch):
    """Read by the worker at start: three files make two chunks, so the run's progress moves in steps."""
    monkeypatch.setenv("ASSESSMENT_CHUNK_SIZE", "2")


@pytest.fixture
def assessment_worker(small_chunks, worker):
    """The worker, with the tasks this process queues sent to its queue alone."""
    queue, process = worker
    before = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield process
    app.conf.task_default_queue = before


def wait_until_finished(run: AssessmentRun, process) -> AssessmentRun:
    deadline = time.monotonic() + 90
    while run.is_active:
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.terminate()
            pytest.fail(f"the worker did not finish the run in 90 s:\n{process.communicate(timeout=20)[0]}")
        time.sleep(0.2)
        run.refresh_from_db()
    return run


def test_a_run_started_on_the_page_is_done_by_the_worker_and_the_page_shows_the_summary(
    client, tree, caseworker, approver, leader, assessment_worker
):
    make_standard(tree["province"])
    files = [
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
        for union in ("street_a", "street_a", "street_b")
    ]
    client.force_login(leader)

    response = client.post("/assessment/start/", {"org": tree["county"].pk, "year": YEAR})

    assert response.status_code == 302
    run = AssessmentRun.objects.get()
    assert client.get(f"/assessment/runs/{run.pk}/progress/").status_code == 200
    run = wait_until_finished(run, assessment_worker)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.done, run.total, run.started_by) == (3, 3, leader)
    assert HouseholdAssessment.objects.filter(run=run).count() == 3
    assert AnnualSummary.objects.get(organization=tree["county"], year=YEAR).remaining == 3

    assert client.get(f"/assessment/runs/{run.pk}/progress/")["HX-Refresh"] == "true"
    html = client.get(response.url).content.decode()
    assert 'data-testid="summary"' in html
    assert 'data-testid="run-finished"' in html
    assert all(file.number in html for file in files)
    assert assessment_worker.poll() is None, "the worker is still alive after the run"
