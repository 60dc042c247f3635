"""The main pages work in a real browser under the Content-Security-Policy and the browser reports no violation:
the live rule check (htmx), the dashboard's charts (Chart.js), the year selects, the progress bars, the admin and an
error page."""

import re

import pytest

from accounts.models import Organization, User
from programs.models import Program
from tests.cases.factories import make_active_file, make_household
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
DESK = {"width": 1200, "height": 900}
# Runs before any script of the page; the browser fires this event for every blocked script, style or handler.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


class Recorder:
    """What the browser said about the policy: violation events of each page, console messages and script errors."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def on_console(self, message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.problems.append(f"console: {message.text}")

    def visit(self, url):
        response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return response

    def check(self, where):
        """The violations since the page loaded, plus what the console said, as one list (empty when all is well)."""
        violations = self.page.evaluate("() => window.cspViolations")
        found = [f"{where}: {violation}" for violation in violations] + self.problems
        self.problems = []
        return found


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESK)
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    yield Recorder(page)
    context.close()


@pytest.fixture
def household(demo_data):
    caseworker, approver = User.objects.get(username="demo_caseworker"), User.objects.get(username="demo_approver")
    household = make_household(Organization.objects.get(code="330281001"), caseworker)
    make_active_file(household, caseworker, approver)
    return household


def test_a_caseworkers_pages_and_the_live_rule_check_raise_no_violation(desk, household):
    page = desk.page
    log_in(page, "demo_caseworker")
    problems = desk.check("login")
    for url in ["/", "/households/", f"/households/{household.pk}/", f"/households/{household.pk}/card/", "/work/"]:
        assert desk.visit(url).status == 200, url
        problems += desk.check(url)

    program = Program.objects.get(kind="critical_illness")
    desk.visit(f"/households/{household.pk}/aid/new/?program={program.pk}")
    page.select_option("#id_disease", label="恶性肿瘤")
    page.fill("#id_reason", "户主肺癌化疗，医保报销后自付费用较高")
    page.fill("#id_out_of_pocket_cost", "52000")
    page.locator("#id_out_of_pocket_cost").blur()
    assert page.get_by_test_id("suggested").inner_text() == "¥6,000.00"
    problems += desk.check("application form")

    assert desk.visit("/households/999999/").status == 404
    problems += desk.check("404")
    assert problems == []


def test_the_dashboard_draws_its_charts_and_its_select_works_without_violation(desk, household):
    page = desk.page
    log_in(page, "demo_leader")
    desk.visit("/dashboard/")
    drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')].filter((c) => c.chart).length")
    assert drawn >= 1
    bars = page.evaluate(
        "() => [...document.querySelectorAll('[data-bar-width]')].map((bar) => [bar.dataset.barWidth, bar.style.width])"
    )
    assert all(width == f"{min(100.0, float(value)):g}%" for value, width in bars), bars
    problems = desk.check("dashboard")

    years = page.locator("#id_year option").all_inner_texts()
    page.select_option("#id_year", years[-1])
    page.wait_for_url(re.compile(rf"/dashboard/\?.*year={years[-1]}"))
    problems += desk.check("dashboard, another year")

    desk.visit("/programs/")
    problems += desk.check("programs")
    assert problems == []


def test_the_admin_raises_no_violation(desk, demo_data):
    page = desk.page
    log_in(page, "demo_admin")
    admin = User.objects.get(username="demo_admin")
    problems = []
    for url in [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin.pk}/change/",
        "/admin/accounts/user/add/",
    ]:
        assert desk.visit(url).status == 200, url
        problems += desk.check(url)
    assert problems == []
