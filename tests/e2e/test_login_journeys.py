import re

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

ROLE_HOMES = [
    ("demo_caseworker", "帮扶工作人员", "余姚市总工会", "我的工作"),
    ("demo_approver", "审批人", "余姚市总工会", "待审批"),
    ("demo_leader", "领导", "余姚市总工会", "统计看板"),
    ("demo_admin", "系统管理员", "余姚市总工会", "系统管理"),
    ("demo_caseworker_b", "帮扶工作人员", "慈溪市总工会", "我的工作"),
]


@pytest.mark.parametrize(("username", "role", "union", "menu_entry"), ROLE_HOMES)
def test_each_demo_role_lands_on_its_home_page(page, demo_data, username, role, union, menu_entry):
    log_in(page, username)
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_test_id("role").inner_text().endswith(role)
    assert page.get_by_test_id("union-chain").inner_text().splitlines()[-1].strip() == union
    assert menu_entry in page.get_by_test_id("menu").inner_text()


def test_the_leader_has_no_caseworker_menu(page, demo_data):
    log_in(page, "demo_leader")
    page.wait_for_url(re.compile(r"/$"))
    assert "我的工作" not in page.get_by_test_id("menu").inner_text()


def test_a_wrong_password_shows_the_chinese_error(page, demo_data):
    log_in(page, "demo_caseworker", "wrong-password")
    error = page.get_by_test_id("login-error")
    assert "请输入一个正确的" in error.inner_text()
    assert page.url.endswith("/accounts/login/")


def test_switch_to_english_and_back(page, demo_data):
    log_in(page, "demo_caseworker")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My work" in page.get_by_test_id("menu").inner_text()
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "我的工作" in page.get_by_test_id("menu").inner_text()


def test_the_home_page_fits_a_phone(page, demo_data):
    log_in(page, "demo_approver")
    page.wait_for_url(re.compile(r"/$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a 360-px phone ({width}px)"
