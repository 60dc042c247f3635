"""A caseworker applies for critical-illness aid with an out-of-pocket cost and sees the suggested amount; the approver
approves; the payment is recorded; the household's timeline shows it."""

import re

import pytest

from accounts.models import Organization, User
from programs.models import Program
from tests.cases.factories import make_active_file, make_household
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
DESK = {"width": 1200, "height": 900}


def new_page(browser, live_server, viewport=DESK):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_apply_approve_pay_and_see_it_on_the_timeline(browser, live_server, demo_data):
    caseworker, approver = User.objects.get(username="demo_caseworker"), User.objects.get(username="demo_approver")
    household = make_household(Organization.objects.get(code="330281001"), caseworker)
    make_active_file(household, caseworker, approver)
    program = Program.objects.get(kind="critical_illness")

    desk = new_page(browser, live_server)
    log_in(desk, "demo_caseworker")
    desk.goto(f"/households/{household.pk}/")
    desk.get_by_test_id("aid").get_by_role("link", name="申请帮扶").click()
    desk.get_by_test_id("program-choices").get_by_role("link", name=program.name).click()
    desk.select_option("#id_disease", label="恶性肿瘤")
    desk.fill("#id_reason", "户主肺癌化疗，医保报销后自付费用较高")
    desk.fill("#id_out_of_pocket_cost", "52000")
    desk.locator("#id_out_of_pocket_cost").blur()
    assert desk.get_by_test_id("suggested").inner_text() == "¥6,000.00"
    desk.get_by_role("button", name="保存草稿").click()
    desk.wait_for_url(re.compile(r"/aid/\d+/$"))
    application_url = desk.url
    desk.get_by_test_id("application-actions").get_by_role("link", name="提交审批").click()
    desk.get_by_test_id("action-form").get_by_role("button").click()
    desk.wait_for_url(application_url)
    assert desk.get_by_test_id("application-status").inner_text() == "待审批"

    office = new_page(browser, live_server)
    log_in(office, "demo_approver")
    office.goto("/aid/inbox/")
    office.get_by_test_id("aid-inbox").get_by_role("link", name=household.members.get(relation="head").name).click()
    office.get_by_test_id("application-actions").get_by_role("link", name="批准", exact=True).click()
    assert office.input_value("#id_amount") == "6000.00"
    office.get_by_test_id("action-form").get_by_role("button").click()
    office.wait_for_url(application_url)
    assert office.get_by_test_id("approved").inner_text() == "¥6,000.00"

    office.get_by_test_id("application-actions").get_by_role("link", name="登记发放").click()
    office.fill("#id_reference", "农行转账凭证 20261123-001")
    office.get_by_test_id("disbursement-form").get_by_role("button").click()
    office.wait_for_url(application_url)
    assert "¥6,000.00" in office.get_by_test_id("disbursement").inner_text()

    desk.goto(f"/households/{household.pk}/")
    assert "¥6,000.00" in desk.get_by_test_id("timeline-payment").first.inner_text()
    assert "已发放" in desk.get_by_test_id("aid").inner_text()
