"""A leader starts the year-end assessment and sees the summary; a running assessment's bar polls until the run ends
and the page reloads by itself; a caseworker turns an exit recommendation into an exit proposal with one click."""

import re

import pytest

from accounts.models import Organization, User
from assessment.choices import Recommendation, RunStatus
from assessment.models import AssessmentRun, HouseholdAssessment
from cases.models import HardshipFile
from tests.cases.factories import make_active_file, make_household
from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.e2e
YEAR = 2026


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_start_watch_and_propose(browser, live_server, demo_data):
    caseworker, approver = User.objects.get(username="demo_caseworker"), User.objects.get(username="demo_approver")
    county = Organization.objects.get(code="330281")
    household = make_household(Organization.objects.get(code="330281001"), caseworker)
    file = make_active_file(household, caseworker, approver)

    leader = new_page(browser, live_server)
    log_in(leader, "demo_leader")
    leader.goto(f"/assessment/?year={YEAR}")
    leader.get_by_test_id("start").click()
    leader.wait_for_url(re.compile(rf"/assessment/\?org={county.pk}&year={YEAR}$"))
    assert leader.get_by_test_id("summary").is_visible()
    assert file.number in leader.get_by_test_id("assessment-table").inner_text()

    # A run the page finds under way: the bar polls, and reloads the page once the run has ended.
    running = AssessmentRun(year=YEAR - 1, status=RunStatus.RUNNING, done=1, total=4)
    running.set_organization(county)
    running.save()
    leader.goto(f"/assessment/?org={county.pk}&year={YEAR - 1}")
    assert "25%" in leader.get_by_test_id("progress").inner_text()
    AssessmentRun.objects.filter(pk=running.pk).update(status=RunStatus.SUCCEEDED, done=4)
    leader.get_by_test_id("run-finished").wait_for()
    assert leader.get_by_test_id("progress").count() == 0

    HouseholdAssessment.objects.filter(file=file, year=YEAR).update(recommendation=Recommendation.EXIT)
    desk = new_page(browser, live_server)
    log_in(desk, "demo_caseworker")
    desk.goto(f"/assessment/?year={YEAR}&recommendation=exit")
    desk.get_by_test_id("propose").click()
    desk.wait_for_url(re.compile(r"recommendation=exit$"))
    assert desk.get_by_test_id("propose").count() == 0
    assert HardshipFile.objects.get(pk=file.pk).status == "exit_proposed"
