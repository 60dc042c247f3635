"""A leader reads the application and the visit of a household whose diagnosis is written in every free-text field:
the browser shows the leader the decision and the dates, never the diagnosis, the medical documents or the edit form;
the caseworker, on the same pages, reads all of it."""

import pytest

from accounts.models import Organization, User
from programs.models import Program
from tests.e2e.conftest import log_in
from tests.sensitive_case import DIAGNOSIS, make_sensitive_case

pytestmark = pytest.mark.e2e
DESK = {"width": 1200, "height": 900}


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESK)
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def case(demo_data, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return make_sensitive_case(
        street=Organization.objects.get(code="330281001"), county=Organization.objects.get(code="330281"),
        caseworker=User.objects.get(username="demo_caseworker"), approver=User.objects.get(username="demo_approver"),
        illness=Program.objects.get(kind="critical_illness"), other=Program.objects.get(kind="temporary"),
    )  # fmt: skip


def test_the_leader_reads_the_application_and_the_visit_without_the_diagnosis(browser, live_server, case):
    leader = new_page(browser, live_server)
    log_in(leader, "demo_leader")
    leader.goto(f"/aid/{case.submitted.pk}/")
    figures = leader.get_by_test_id("application-figures").inner_text()
    assert "待审批" in leader.get_by_test_id("application-status").inner_text()
    assert "¥52,000.00" in figures
    assert DIAGNOSIS not in leader.locator("body").inner_text()
    assert leader.get_by_test_id("attachments").get_by_role("link").count() == 0
    assert leader.get_by_test_id("application-actions").get_by_role("link").count() == 0

    leader.goto(f"/households/{case.household.pk}/")
    timeline = leader.get_by_test_id("timeline").inner_text()
    assert "2026-04-01" in timeline  # the visit is there, with its date
    assert DIAGNOSIS not in leader.locator("body").inner_text()
    assert leader.get_by_test_id("timeline").get_by_role("link", name="📎").count() == 0

    response = leader.goto(f"/aid/{case.draft.pk}/edit/")
    assert response.status == 404
    assert DIAGNOSIS not in leader.content()


def test_the_caseworker_reads_the_diagnosis_on_the_same_pages(browser, live_server, case):
    desk = new_page(browser, live_server)
    log_in(desk, "demo_caseworker")
    desk.goto(f"/aid/{case.submitted.pk}/")
    assert DIAGNOSIS in desk.get_by_test_id("application-figures").inner_text()
    assert desk.get_by_test_id("attachments").get_by_role("link").count() == 1

    desk.goto(f"/households/{case.household.pk}/")
    assert f"户主{DIAGNOSIS}，化疗中" in desk.get_by_test_id("timeline").inner_text()
