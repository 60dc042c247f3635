"""A caseworker finds households the way the report met them: by the head's name and by an ID number, from the
household list's filter form as rendered, and from the navigation bar's box on a phone."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Organization, User
from cases.identity import check_character
from tests.cases.factories import make_file, make_household, member_values
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def valid_id(first_17: str) -> str:
    return first_17 + check_character(first_17)


@pytest.fixture
def filed_household(demo_data):
    """A household whose file's primary cause is not the first choice of the cause select (无劳动能力)."""
    caseworker = User.objects.get(username="demo_caseworker")
    street = Organization.objects.get(code="330281001")
    household = make_household(street, caseworker, members=[member_values(name="冯志明")])
    make_file(household, caseworker)
    return household


def open_from_menu(page, label):
    """Through the navigation bar, collapsed on a phone."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("#main-nav").get_by_role("link", name=label, exact=True).click()


def register(page, name, number):
    open_from_menu(page, "困难职工户")
    page.get_by_role("link", name="登记困难职工户").click()
    page.select_option("#id_organization", label="余姚市阳明街道工会")
    page.fill("#id_address", "余姚市阳明街道新建路99号")
    page.select_option("#id_hukou_type", "non_agricultural")
    page.select_option("#id_household_type", "urban_worker")
    page.fill("#id_members-0-name", name)
    page.select_option("#id_members-0-relation", "head")
    page.fill("#id_members-0-id_number", number)
    page.select_option("#id_members-0-work_status", "laid_off")
    page.get_by_test_id("household-form").get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    return page.url


def search_the_list(page, query):
    open_from_menu(page, "困难职工户")
    filters = page.get_by_test_id("household-filters")
    filters.locator("#id_q").fill(query)
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/households/\?"))


def test_the_list_search_finds_a_head_by_name_and_by_id_number(page, filed_household):
    head = filed_household.members.get(relation="head")
    log_in(page, "demo_caseworker")
    search_the_list(page, head.name)
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 户")
    expect(page.get_by_test_id("household-table")).to_contain_text(head.name)
    search_the_list(page, head.id_number)
    expect(page.get_by_test_id("household-table")).to_contain_text(head.name)


def test_a_household_registered_a_minute_ago_is_found_by_its_id_number(page, filed_household):
    number = valid_id("33028119770812031")
    log_in(page, "demo_caseworker")
    household_url = register(page, "邵建新", number)
    search_the_list(page, number)
    table = page.get_by_test_id("household-table")
    expect(table).to_contain_text("邵建新")
    table.get_by_role("link", name="邵建新").click()
    assert page.url == household_url


def test_the_navigation_box_on_a_phone_opens_the_household_of_an_id_number(page, filed_household):
    head = filed_household.members.get(relation="head")
    log_in(page, "demo_caseworker")
    page.locator(".navbar-toggler").click()
    box = page.get_by_test_id("quick-search").get_by_role("searchbox")
    box.fill(" ".join([head.id_number[:6], head.id_number[6:14], head.id_number[14:]]))
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/households/{filed_household.pk}/$"))
    expect(page.get_by_test_id("members")).to_contain_text(head.name)


def test_the_navigation_box_opens_the_list_for_a_name(page, filed_household):
    log_in(page, "demo_approver")
    page.locator(".navbar-toggler").click()
    box = page.get_by_test_id("quick-search").get_by_role("searchbox")
    box.fill("冯志明")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/households/\?q="))
    expect(page.get_by_test_id("household-table")).to_contain_text("冯志明")


def test_the_navigation_box_of_the_sibling_county_opens_nothing(page, filed_household):
    head = filed_household.members.get(relation="head")
    log_in(page, "demo_caseworker_b")
    page.locator(".navbar-toggler").click()
    box = page.get_by_test_id("quick-search").get_by_role("searchbox")
    box.fill(head.id_number)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/households/\?q="))
    expect(page.get_by_test_id("result-count")).to_have_text("共 0 户")
    expect(page.get_by_text("冯志明")).to_have_count(0)
