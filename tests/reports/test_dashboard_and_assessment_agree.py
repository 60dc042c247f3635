"""The dashboard and the assessment page count the same files the same way, and each figure says what it counts and
as of when: the dashboard live, the assessment page as its year-end run counted them."""

from datetime import date

from django.utils import timezone

from assessment.summaries import summaries_compute
from cases.choices import FileStatus
from cases.models import HardshipFile
from tests.cases.factories import make_active_file, make_household
from tests.reports.test_dashboard import YEAR, close, county_data  # noqa: F401

SHARED = ["files_at_start", "new", "exited", "relieved", "found_and_out", "money_total", "households_paid"]


def both_pages(client, union):
    dashboard = client.get("/dashboard/", {"org": union.pk, "year": YEAR})
    assessment = client.get("/assessment/", {"org": union.pk, "year": YEAR})
    assert dashboard.status_code == assessment.status_code == 200
    return dashboard, assessment


def test_the_figures_both_pages_show_agree(client, tree, caseworker, approver, leader, county_data):  # noqa: F811
    relieved = make_active_file(make_household(tree["street_b"], caseworker), caseworker, approver)
    close(relieved, FileStatus.RELIEVED, date(YEAR, 10, 1))
    summaries_compute(organization=tree["county"], year=YEAR)
    client.force_login(leader)
    dashboard, assessment = both_pages(client, tree["county"])
    figures, summary = dashboard.context["figures"], assessment.context["summary"]
    assert [getattr(figures, name) for name in SHARED] == [getattr(summary, name) for name in SHARED]
    assert (figures.new, figures.exited, figures.relieved, figures.households_paid) == (4, 1, 1, 1)
    assert figures.exit_rate == summary.exit_rate
    # Active now and remaining at the end of the year count the same files while none is in the exit steps.
    assert figures.active == summary.remaining == 2


def test_each_figure_says_what_it_counts_and_as_of_when(client, tree, caseworker, approver, leader, county_data):  # noqa: F811
    summaries_compute(organization=tree["county"], year=YEAR)
    in_exit = HardshipFile.objects.filter(org_path__startswith=tree["county"].path, status=FileStatus.ACTIVE).first()
    HardshipFile.objects.filter(pk=in_exit.pk).update(status=FileStatus.EXIT_PROPOSED)
    client.force_login(leader)
    dashboard, assessment = both_pages(client, tree["county"])
    dashboard_html, assessment_html = dashboard.content.decode(), assessment.content.decode()
    counted = timezone.localtime(assessment.context["summary"].computed_at).strftime("%Y-%m-%d %H:%M")
    live = timezone.localtime(dashboard.context["computed_at"]).strftime("%Y-%m-%d %H:%M")
    assert f"当前档案状态为在档的户数，截至{live}。" in dashboard_html
    assert f"{YEAR}年内以脱困或解困结档的档案，实时统计，截至{live}。" in dashboard_html
    assert f"发放日期在{YEAR}年内的发放记录，截至{live}。" in dashboard_html
    assert f"{YEAR}年12月31日仍在档的档案（含脱困流程中的档案）；统计于{counted}。" in assessment_html
    assert f"{YEAR}年内以脱困结档的档案；统计于{counted}。" in assessment_html
    assert f"以下数字由{counted}的年度评估统计" in assessment_html
    # They differ, and say why: one file is in the exit steps now, and the assessment counted before that.
    assert dashboard.context["figures"].active == 1
    assert assessment.context["summary"].remaining == 2
    for testid in ["active", "new", "left", "money", "overdue"]:
        assert f'data-testid="{testid}-caption"' in dashboard_html, testid
    for testid in ["files-at-start", "new", "exited", "relieved", "cancelled", "returned", "remaining", "money"]:
        assert f'data-testid="{testid}-caption"' in assessment_html, testid


def test_outsider_gets_404_for_both_pages(client, tree, outsider, county_data):  # noqa: F811
    summaries_compute(organization=tree["county"], year=YEAR)
    client.force_login(outsider)
    assert client.get("/dashboard/", {"org": tree["county"].pk, "year": YEAR}).status_code == 404
    assert client.get("/assessment/", {"org": tree["county"].pk, "year": YEAR}).status_code == 404
