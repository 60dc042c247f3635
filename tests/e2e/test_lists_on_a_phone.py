"""At 390 px every list reads as cards: the page does not scroll sideways, no cell is squeezed to a character or two,
and the first row's head of household, status and next step are on the screen. The lists are opened from the menu."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.menu import MENU
from accounts.models import Organization, User
from assessment.monitoring import alerts_refresh
from cases.services.files import file_transition
from programs.choices import ProgramKind
from programs.models import Program
from programs.services.applications import application_decide, application_submit
from tests.assessment.test_pages import make_assessment, make_run
from tests.cases.factories import make_active_file, make_file, make_household
from tests.programs.helpers import apply

pytestmark = pytest.mark.e2e
IPHONE = {"width": 390, "height": 844}

LAYOUT = """() => {
  const doc = document.documentElement;
  const boxes = [...document.querySelectorAll('main .table-responsive')];
  const cells = [...document.querySelectorAll('main td')].filter(cell => cell.getClientRects().length);
  const squeezed = cells.filter(cell => cell.getBoundingClientRect().width < 2 * parseFloat(getComputedStyle(cell).fontSize));
  const outside = cells.filter(cell => cell.getBoundingClientRect().right > window.innerWidth + 1);
  return {scroll: doc.scrollWidth, width: doc.clientWidth, cells: cells.length, squeezed: squeezed.length,
          outside: outside.length, scrolling: boxes.filter(box => box.scrollWidth > box.clientWidth + 1).length};
}"""


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def menu_label(url_name) -> str:
    return zh(next(entry.label for entry in MENU if entry.url_name == url_name))


def phone(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=IPHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo12345")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page


def open_from_menu(page, url_name):
    page.locator(".navbar-toggler").click()
    page.locator("#main-nav").get_by_role("link", name=menu_label(url_name), exact=False).first.click()
    page.wait_for_load_state()


def assert_reads_on_a_phone(page, where):
    layout = page.evaluate(LAYOUT)
    assert layout["scroll"] <= layout["width"], (where, layout)
    assert layout["squeezed"] == 0 and layout["outside"] == 0 and layout["scrolling"] == 0, (where, layout)


def assert_on_screen(locator, where):
    locator.wait_for()
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= IPHONE["width"] + 1, (where, box)
    assert locator.inner_text().strip(), where


def assert_first_row_on_screen(page, table, where):
    row = page.get_by_test_id(table).locator("tbody tr").first
    for part in ("row-name", "row-status", "row-next"):
        assert_on_screen(row.get_by_test_id(part), f"{where}: {part}")


@pytest.fixture
def lists(demo_data):
    """A county with something on every list: households in each step, a returned file, applications, an alert."""
    caseworker, approver = User.objects.get(username="demo_caseworker"), User.objects.get(username="demo_approver")
    street = Organization.objects.get(code="330281001")
    active = make_active_file(make_household(street, caseworker), caseworker, approver)
    noticed = make_file(make_household(street, caseworker), caseworker)
    for action, extra in (("first_review", {}), ("home_check", {"authorization_signed": True})):
        noticed = file_transition(file=noticed, action=action, by=caseworker, **extra)
    today = timezone.localdate()
    file_transition(
        file=noticed, action="start_notice", by=caseworker, notice_start=today, notice_end=today + timedelta(days=14)
    )
    returned = make_file(make_household(street, caseworker), caseworker)
    returned = file_transition(file=returned, action="first_review", by=caseworker)
    file_transition(file=returned, action="return", by=approver, comment="请补充收入证明")
    program = Program.objects.filter(kind=ProgramKind.CRITICAL_ILLNESS, organization__code="330000").first()
    for comment in ("缺诊断证明", None):
        application = apply(
            program, active.household, caseworker,
            disease=program.diseases.first(), out_of_pocket_cost=Decimal("30000"),
        )  # fmt: skip
        application_submit(application=application, by=caseworker)
        if comment:
            application_decide(application=application, action="return", by=approver, comment=comment)
    make_assessment(make_run(Organization.objects.get(code="330281"), year=today.year), active)
    alerts_refresh(today=date(today.year + 1, 1, 1))


def test_the_caseworkers_lists_read_on_a_phone(browser, live_server, lists):
    page = phone(browser, live_server, "demo_caseworker")

    open_from_menu(page, "cases:my_work")
    assert_reads_on_a_phone(page, "my work")
    for part in ("returned-item", "alert"):
        assert_on_screen(page.get_by_test_id(part).first, f"my work: {part}")
    waiting = page.get_by_test_id("files-waiting").locator("li").first
    assert_on_screen(waiting, "my work: files waiting")

    open_from_menu(page, "cases:household_list")
    assert_reads_on_a_phone(page, "households")
    assert_first_row_on_screen(page, "household-table", "households")

    open_from_menu(page, "programs:application_list")
    assert_reads_on_a_phone(page, "applications")
    assert_first_row_on_screen(page, "application-table", "applications")

    open_from_menu(page, "assessment:assessment")
    assert_reads_on_a_phone(page, "assessment households")
    assert_first_row_on_screen(page, "assessment-table", "assessment households")


def test_the_approvers_inboxes_read_on_a_phone(browser, live_server, lists):
    page = phone(browser, live_server, "demo_approver")

    open_from_menu(page, "cases:inbox")
    assert_reads_on_a_phone(page, "file inbox")
    assert_first_row_on_screen(page, "inbox", "file inbox")

    page.locator(".nav-tabs").get_by_role("link", name=zh(translation.gettext_lazy("Aid applications"))).click()
    page.wait_for_url("**/aid/inbox/")
    assert_reads_on_a_phone(page, "aid inbox")
    assert_first_row_on_screen(page, "aid-inbox", "aid inbox")
