"""Caseworker registers a household of three, applies for a file; the approver approves after the notice;
the caseworker records a visit on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.identity import check_character
from cases.models import HardshipFile
from cases.workdays import nth_working_day
from tests.e2e.conftest import CHROMIUM_ARGS, PHONE, log_in  # noqa: F401

pytestmark = pytest.mark.e2e


def valid_id(first_17: str) -> str:
    return first_17 + check_character(first_17)


def new_page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(15_000)
    return context.new_page()


def take_step(page, label, **fields):
    page.get_by_test_id("file-actions").get_by_role("link", name=label, exact=True).click()
    for selector, value in fields.items():
        if value is True:
            page.check(selector)
        else:
            page.fill(selector, value)
    page.get_by_test_id("transition-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))


def test_register_apply_approve_visit(browser, live_server, demo_data):
    desk = new_page(browser, live_server, {"width": 1200, "height": 900})
    log_in(desk, "demo_caseworker")
    desk.goto("/households/new/")
    desk.select_option("#id_organization", label="余姚市阳明街道工会")
    desk.fill("#id_address", "余姚市阳明街道新建路88号")
    desk.select_option("#id_hukou_type", "non_agricultural")
    desk.select_option("#id_household_type", "urban_worker")
    desk.click("#add-member")
    desk.click("#add-member")
    members = [("陈国强", "head", valid_id("33028119750302001"), "laid_off"),
               ("吴美华", "spouse", valid_id("33028119780411002"), "unemployed"),
               ("陈思远", "child", valid_id("33028120080915003"), "not_working_age")]  # fmt: skip
    for index, (name, relation, number, work) in enumerate(members):
        desk.fill(f"#id_members-{index}-name", name)
        desk.select_option(f"#id_members-{index}-relation", relation)
        desk.fill(f"#id_members-{index}-id_number", number)
        desk.select_option(f"#id_members-{index}-work_status", work)
    desk.get_by_test_id("household-form").get_by_role("button", name="保存").click()
    desk.wait_for_url(re.compile(r"/households/\d+/$"))
    assert desk.get_by_test_id("members").locator("tbody tr").count() == 3

    desk.get_by_role("link", name="申请建档").click()
    desk.select_option("#id_primary_cause", "3")
    desk.fill("#id_finances-wages", "20000")
    desk.get_by_role("button", name="提交申请").click()
    desk.wait_for_url(re.compile(r"/households/\d+/$"))
    assert "已申请" in desk.get_by_test_id("file-card").inner_text()

    take_step(desk, "初审通过")
    take_step(desk, "完成入户核查", **{"#id_authorization_signed": True})
    today = timezone.localdate()
    take_step(desk, "开始公示", **{"#id_notice_start": today.isoformat()})  # the end follows from the working days
    assert "公示中" in desk.get_by_test_id("file-card").inner_text()
    household_url = desk.url
    file = HardshipFile.objects.get(household__address="余姚市阳明街道新建路88号")
    assert file.notice_end == nth_working_day(today, 5)
    # The notice runs its working days: the approver comes back three weeks later.
    weeks = timedelta(days=21)
    HardshipFile.objects.filter(pk=file.pk).update(
        home_checked_on=today - weeks, notice_start=today - weeks, notice_end=file.notice_end - weeks
    )

    approver = new_page(browser, live_server, {"width": 1200, "height": 900})
    log_in(approver, "demo_approver")
    approver.goto("/inbox/")
    approver.get_by_test_id("inbox").get_by_role("link").first.click()
    take_step(approver, "批准建档")
    assert "在档" in approver.get_by_test_id("file-card").inner_text()

    phone = new_page(browser, live_server, PHONE)
    log_in(phone, "demo_caseworker")
    phone.goto(household_url)
    phone.get_by_role("link", name="登记走访").click()
    phone.fill("#id_findings", "户主已参加技能培训，配偶在社区做保洁。")
    phone.get_by_role("button", name="保存走访记录").click()
    phone.wait_for_url(re.compile(r"/households/\d+/$"))
    assert "户主已参加技能培训" in phone.get_by_test_id("timeline").inner_text()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the household page scrolls sideways on a phone ({width}px)"
