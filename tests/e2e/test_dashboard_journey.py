"""A leader opens the dashboard, clicks a number and then a chart segment, and each time lands on the filtered list
of exactly the households counted; then downloads the household ledger, which opens with openpyxl with those rows."""

import re

import openpyxl
import pytest

from accounts.models import Organization, User
from tests.cases.factories import make_active_file, make_household
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
DESK = {"width": 1200, "height": 900}


def test_a_leader_drills_down_from_the_dashboard(browser, live_server, demo_data, tmp_path):
    caseworker, approver = User.objects.get(username="demo_caseworker"), User.objects.get(username="demo_approver")
    street = Organization.objects.get(code="330281001")
    for _ in range(2):
        make_active_file(make_household(street, caseworker), caseworker, approver)

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESK)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "demo_leader")
    page.goto("/dashboard/")
    active = page.get_by_test_id("active-link")
    assert active.inner_text() == "2"
    active.click()
    page.wait_for_url(re.compile(r"/households/\?.*status=active"))
    assert page.get_by_test_id("result-count").inner_text() == "共 2 户"
    assert page.get_by_test_id("household-table").locator("tbody tr").count() == 2

    page.goto("/dashboard/")
    # The chart is drawn; a click on its one segment opens the list of that category's active households.
    point = page.evaluate(
        """() => {
            const canvas = document.querySelector("canvas[data-chart=categories]");
            const box = canvas.getBoundingClientRect();
            const arc = canvas.chart.getDatasetMeta(0).data[0].tooltipPosition();
            return {x: box.left + arc.x, y: box.top + arc.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/households/\?.*category="))
    assert page.get_by_test_id("result-count").inner_text() == "共 2 户"

    page.goto("/ledgers/")
    page.select_option("#id_kind", "households")
    with page.expect_download() as download_info:
        page.get_by_test_id("download").click()
    path = tmp_path / "ledger.xlsx"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(path, read_only=True)
    sheet = workbook["困难职工家庭台账"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    headers = [cell for cell in next(sheet.iter_rows(max_row=1, values_only=True))]
    heads = {row[headers.index("户主姓名")] for row in rows}
    assert heads == {"张伟"}  # both households of the journey; the leader's copy masks the ID numbers
    assert all("*" in row[headers.index("户主身份证号")] for row in rows)
    context.close()
