"""A fresh install without demo data: its superuser (the one the install made with create_top_union and
createsuperuser) sets a new county up in the admin, filling the forms as a person does, and the county's first
caseworker registers the county's first household."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Organization
from accounts.roles import Role
from cases.identity import check_character
from cases.models import Household, LocalStandard
from programs.models import ApprovalTier, Budget, Program
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

ROOT_PASSWORD = "a-long-pass-9731"
CASEWORKER_PASSWORD = "county-pass-4862"


@pytest.fixture
def fresh_install(transactional_db, monkeypatch):
    """Only the migrations (role groups included) and what the install instructions do in a shell."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ROOT_PASSWORD)
    call_command("create_top_union", name="浙江省总工会", code="330000")
    province = Organization.objects.get(code="330000")
    call_command("createsuperuser", "--noinput", "--username=root", f"--organization={province.pk}")


def save(page):
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")


def open_add_form(page, model_name):
    page.goto("/admin/")
    page.get_by_role("row", name=re.compile(f"^{model_name}\\s")).get_by_role("link", name="增加").click()
    page.wait_for_url(re.compile(r"/add/$"))
    page.wait_for_selector("input[name=_save]")


def test_an_administrator_configures_a_county_from_nothing(page, fresh_install):
    year = timezone.localdate().year
    log_in(page, "root", ROOT_PASSWORD)

    open_add_form(page, "工会组织")
    page.fill("#id_name", "德清县总工会")
    page.fill("#id_code", "330521")
    page.select_option("#id_kind", "county")
    page.select_option("#id_parent", label="浙江省总工会")
    save(page)

    open_add_form(page, "用户")
    page.fill("#id_username", "deqing_caseworker")
    page.fill("#id_name", "沈晓燕")
    page.select_option("#id_organization", label="德清县总工会")
    page.fill("#id_password1", CASEWORKER_PASSWORD)
    page.fill("#id_password2", CASEWORKER_PASSWORD)
    page.click("input[name=_continue]")
    page.wait_for_selector("#id_groups_from")
    page.select_option("#id_groups_from", str(Group.objects.get(name=Role.CASEWORKER).pk))
    page.click("#id_groups_add")
    save(page)

    open_add_form(page, "地方标准")
    page.select_option("#id_organization", label="德清县总工会")
    page.fill("#id_year", str(year))
    page.fill("#id_dibao_line", "1250")
    page.fill("#id_minimum_wage", "2290")
    page.fill("#id_notice_working_days", "4")
    page.click("input[name=_save]")
    assert "公示期不少于 5 个工作日。" in page.locator(".field-notice_working_days").inner_text()
    page.fill("#id_notice_working_days", "7")
    save(page)

    open_add_form(page, "审批层级")
    page.select_option("#id_union_kind", "county")
    save(page)

    open_add_form(page, "资金来源")
    page.select_option("#id_kind", index=1)
    page.fill("#id_name", "德清县总工会送温暖资金")
    save(page)

    open_add_form(page, "帮扶项目")
    assert page.locator("#id_param_months_deep").is_visible()  # living aid, the kind shown at first
    page.fill("#id_code", "DQ-SNW")
    page.fill("#id_name", "德清县送温暖")
    page.select_option("#id_kind", "holiday")
    page.wait_for_selector("#id_param_amount")  # the form reopened for the holiday visit's parameters
    assert (page.input_value("#id_code"), page.input_value("#id_name")) == ("DQ-SNW", "德清县送温暖")
    assert page.locator("#id_param_months_deep").count() == 0
    page.select_option("#id_organization", label="德清县总工会")
    page.fill("#id_year", str(year))
    page.select_option("#id_funding_source", label="德清县总工会送温暖资金")
    page.fill("#id_param_amount", "1500")
    save(page)

    open_add_form(page, "预算")
    page.select_option("#id_program", str(Program.objects.get(code="DQ-SNW").pk))
    page.select_option("#id_organization", label="德清县总工会")
    page.fill("#id_year", str(year))
    page.fill("#id_amount", "300000")
    save(page)

    standard = LocalStandard.objects.get(organization__code="330521", year=year)
    assert (standard.notice_working_days, standard.history.count()) == (7, 1)
    assert ApprovalTier.objects.get().union_kind == "county"
    assert Program.objects.get(code="DQ-SNW").parameters == {"amount": "1500.00"}
    assert Budget.objects.get().amount == 300000

    page.context.clear_cookies()
    log_in(page, "deqing_caseworker", CASEWORKER_PASSWORD)
    page.locator(".navbar-toggler").click()  # a phone-sized page: the menu is folded
    page.get_by_role("navigation").get_by_role("link", name="困难职工户").first.click()
    page.get_by_role("link", name="登记困难职工户").click()
    page.select_option("#id_organization", label="德清县总工会")
    page.fill("#id_address", "德清县武康街道永安街12号")
    page.select_option("#id_hukou_type", "non_agricultural")
    page.select_option("#id_household_type", "urban_worker")
    head_id = "33052119800101001"
    page.fill("#id_members-0-name", "沈建国")
    page.select_option("#id_members-0-relation", "head")
    page.fill("#id_members-0-id_number", head_id + check_character(head_id))
    page.select_option("#id_members-0-work_status", "laid_off")
    page.get_by_test_id("household-form").get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    assert Household.objects.get().organization.code == "330521"
    assert "沈建国" in page.get_by_test_id("members").inner_text()
