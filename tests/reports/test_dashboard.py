"""The leader dashboard: its numbers equal independent counts, every number links to the list that produced it, and
it stays within its union's scope in a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from assessment.models import AnnualSummary
from assessment.summaries import summaries_compute
from cases.choices import FILED_STATUSES, FileStatus
from cases.generate import generate
from cases.models import HardshipFile
from cases.services.files import file_refile_returned, file_transition
from programs.choices import ApplicationStatus, ProgramKind
from programs.models import AidApplication, Disbursement
from programs.services.applications import application_submit
from programs.services.money import disbursement_record
from tests.cases.factories import LOW_INCOME, make_active_file, make_file, make_household, make_standard
from tests.factories import UserFactory
from tests.programs.factories import make_program, make_tiers
from tests.programs.helpers import apply, approved_on, grant

PAGE = "/dashboard/"
YEAR = 2026
LINKED = ["active", "new", "exited", "relieved", "left", "found_and_out", "overdue", "notice", "exit_proposed",
          "exit_notice"]  # fmt: skip


def figures_of(response):
    return response.context["figures"]


def listed(client, url) -> int:
    """How many rows the list behind a dashboard link shows."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def close(file, status, on):
    HardshipFile.objects.filter(pk=file.pk).update(status=status, closed_on=on)


@pytest.fixture
def county_data(tree, caseworker, approver, outsider):
    """余姚: two active files (one with its visit overdue), one exited this year, one in public notice, a payment
    and an application waiting. 慈溪 (the outsider's county): an active file and a payment, never counted."""
    make_standard(tree["province"])
    make_tiers()
    first = make_active_file(make_household(tree["street_a"], caseworker), caseworker, approver)
    second = make_active_file(make_household(tree["street_b"], caseworker), caseworker, approver)
    HardshipFile.objects.filter(pk=first.pk).update(next_visit_due=timezone.localdate() + timedelta(days=30))
    HardshipFile.objects.filter(pk=second.pk).update(next_visit_due=timezone.localdate() - timedelta(days=3))
    exited = make_active_file(make_household(tree["enterprise"], caseworker), caseworker, approver)
    close(exited, FileStatus.EXITED, date(YEAR, 9, 1))
    noticed = make_file(make_household(tree["street_a"], caseworker), caseworker)
    HardshipFile.objects.filter(pk=noticed.pk).update(status=FileStatus.NOTICE)
    program = make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS, year=YEAR, budget="100000")
    figures = {"disease": program.diseases.get(name="恶性肿瘤"), "out_of_pocket_cost": Decimal("30000")}
    paid = grant(program, first.household, caseworker, approver, **figures)
    disbursement_record(application=approved_on(paid, date(YEAR, 6, 1)), by=approver, paid_on=date(YEAR, 6, 1),
                        method="bank_transfer")  # fmt: skip
    application_submit(application=apply(program, second.household, caseworker, **figures), by=caseworker)

    other_caseworker = UserFactory(organization=tree["sibling_county"], role=Role.CASEWORKER)
    other_approver = UserFactory(organization=tree["sibling_county"], role=Role.APPROVER)
    theirs = make_active_file(
        make_household(tree["sibling_street"], other_caseworker),
        other_caseworker, other_approver,
    )  # fmt: skip
    their_program = make_program(tree["sibling_county"], ProgramKind.CRITICAL_ILLNESS, year=YEAR)
    their_paid = grant(their_program, theirs.household, other_caseworker, other_approver,
                       disease=their_program.diseases.first(), out_of_pocket_cost=Decimal("30000"))  # fmt: skip
    disbursement_record(application=approved_on(their_paid, date(YEAR, 6, 1)), by=other_approver,
                        paid_on=date(YEAR, 6, 1), method="cash")  # fmt: skip
    return {"program": program, "paid": paid}


def test_it_shows_the_numbers_of_the_leaders_union(client, tree, leader, county_data):
    client.force_login(leader)
    response = client.get(PAGE, {"year": YEAR})
    assert response.status_code == 200
    figures = figures_of(response)
    assert (figures.active, figures.new, figures.exited, figures.relieved) == (2, 3, 1, 0)
    assert (figures.overdue, figures.notice, figures.applications_waiting, figures.waiting) == (1, 1, 1, 2)
    assert figures.found_and_out == 1 and figures.found_and_out_rate == 33.3
    assert figures.exit_rate == 33.3
    assert figures.money_total == Decimal("4000.00") and figures.households_paid == 1
    assert figures.average_aid == Decimal("4000.00")
    assert response.context["budget"] == {"amount": Decimal("100000.00"), "used": Decimal("4000.00"), "share": 4}
    assert response.context["oldest_waiting_days"] is not None
    content = response.content.decode()
    assert "余姚市总工会" in content and "慈溪" not in content
    assert 'id="dashboard-charts"' in content and "chart.js-4.6.1/chart.umd.min.js" in content


def test_every_number_links_to_the_list_of_exactly_those_households(client, tree, leader, county_data):
    client.force_login(leader)
    response = client.get(PAGE, {"year": YEAR})
    figures = figures_of(response)
    for name in LINKED:
        assert listed(client, figures.links[name]) == getattr(figures, name), name
    for row in response.context["categories"] + response.context["causes"]:
        assert listed(client, row["url"]) == row["value"], row["label"]
    assert listed(client, figures.links["applications_waiting"]) == figures.applications_waiting
    (program,) = response.context["programs"]
    assert program["value"] == Decimal("4000.00")
    assert listed(client, program["url"]) == program["payments"] == 1


def test_a_chart_segment_links_like_its_table_row(client, leader, county_data):
    client.force_login(leader)
    response = client.get(PAGE, {"year": YEAR})
    charts = response.context["charts"]
    assert charts["categories"]["urls"] == [row["url"] for row in response.context["categories"]]
    assert charts["causes"]["values"] == [str(row["value"]) for row in response.context["causes"]]
    assert charts["programs"]["urls"] == [county_data["program"] and response.context["programs"][0]["url"]]


def test_each_sub_union_row_links_to_that_unions_dashboard(client, tree, leader, county_data):
    client.force_login(leader)
    response = client.get(PAGE, {"year": YEAR})
    rows = {row.union.code: row for row in response.context["children"]}
    assert set(rows) == {"330281001", "330281002"}
    street_a = rows["330281001"]
    assert (street_a.active, street_a.exited, street_a.notice) == (1, 1, 1)  # the enterprise below it counts
    assert rows["330281002"].overdue == 1
    assert f'href="{street_a.links["dashboard"].replace("&", "&amp;")}"' in response.content.decode()
    below = client.get(street_a.links["dashboard"])
    assert below.status_code == 200
    assert below.context["union"] == tree["street_a"]
    assert figures_of(below).active == street_a.active == listed(client, street_a.links["active"])
    # The application list filters by union and year paid: another union's money and waiting numbers link exactly.
    figures = figures_of(below)
    assert listed_applications(client, figures.links["applications_waiting"]) == figures.applications_waiting
    assert listed_applications(client, figures.links["money"]) == figures.payments == 1
    for program in below.context["programs"]:
        assert listed_applications(client, program["url"]) == program["payments"]


def listed_applications(client, url) -> int:
    return client.get(url).context["page"].paginator.count


def test_the_trend_reads_the_unions_annual_summaries(client, tree, leader, county_data):
    from assessment.summaries import summaries_compute

    summaries_compute(organization=tree["county"], year=YEAR - 1)
    summaries_compute(organization=tree["county"], year=YEAR)
    client.force_login(leader)
    response = client.get(PAGE, {"year": YEAR})
    assert [(row["label"], row["value"]) for row in response.context["trend"]] == [(YEAR - 1, 0), (YEAR, 2)]
    assert client.get(response.context["trend"][0]["url"]).context["year"] == YEAR - 1


def test_an_approver_sees_it_too(client, approver, county_data):
    client.force_login(approver)
    assert client.get(PAGE).status_code == 200


def test_a_caseworker_gets_404(client, caseworker, county_data):
    client.force_login(caseworker)
    assert client.get(PAGE).status_code == 404


def test_another_unions_dashboard_is_404_outside_the_scope(client, tree, leader, county_data):
    client.force_login(leader)
    assert client.get(PAGE, {"org": tree["sibling_county"].pk}).status_code == 404
    assert client.get(PAGE, {"org": tree["city"].pk}).status_code == 404
    assert client.get(PAGE, {"org": "x"}).status_code == 404
    assert client.get(PAGE, {"org": tree["enterprise"].pk}).status_code == 200


def test_outsider_gets_404(client, tree, outsider, county_data):
    client.force_login(outsider)
    assert client.get(PAGE, {"org": tree["county"].pk}).status_code == 404
    outside_leader = UserFactory(organization=tree["sibling_county"], role=Role.LEADER)
    client.force_login(outside_leader)
    assert client.get(PAGE, {"org": tree["county"].pk}).status_code == 404
    assert figures_of(client.get(PAGE, {"year": YEAR})).active == 1  # its own file, not 余姚's


def test_the_city_counts_both_counties_and_nothing_of_another_city(client, tree, county_data):
    city_leader = UserFactory(organization=tree["city"], role=Role.LEADER)
    client.force_login(city_leader)
    figures = figures_of(client.get(PAGE, {"year": YEAR}))
    assert figures.active == 3 and figures.money_total == Decimal("8000.00")


def test_a_post_is_refused(client, leader):
    client.force_login(leader)
    assert client.post(PAGE).status_code == 405


def test_an_unknown_year_falls_back_to_this_year(client, leader, county_data):
    client.force_login(leader)
    assert client.get(PAGE, {"year": "1900"}).context["year"] == timezone.localdate().year
    assert client.get(PAGE, {"year": "abc"}).context["year"] == timezone.localdate().year


class TestOnGeneratedData:
    @pytest.fixture
    def province(self, db):
        generate(households=160, seed=11, code="G71", cities=2, counties=2, streets=2)
        from accounts.models import Organization

        return Organization.objects.get(code="G71")

    @pytest.fixture
    def province_leader(self, province):
        return UserFactory(organization=province, role=Role.LEADER)

    def test_the_numbers_equal_independent_counts(self, client, province, province_leader):
        year, today = timezone.localdate().year, timezone.localdate()
        files = HardshipFile.objects.filter(org_path__startswith=province.path)
        client.force_login(province_leader)
        figures = figures_of(client.get(PAGE, {"year": year}))
        assert figures.active == files.filter(status=FileStatus.ACTIVE).count() > 0
        assert figures.new == files.filter(activated_on__year=year).count()
        assert figures.exited == files.filter(status=FileStatus.EXITED, closed_on__year=year).count()
        assert figures.relieved == files.filter(status=FileStatus.RELIEVED, closed_on__year=year).count()
        assert figures.overdue == files.filter(status__in=FILED_STATUSES, next_visit_due__lt=today).count()
        assert figures.notice == files.filter(status=FileStatus.NOTICE).count()
        assert (
            figures.found_and_out
            == files.filter(
                status__in=[FileStatus.EXITED, FileStatus.RELIEVED], activated_on__year=year, closed_on__year=year
            ).count()
        )

    def test_the_links_list_exactly_the_counted_households(self, client, province, province_leader):
        client.force_login(province_leader)
        response = client.get(PAGE, {"year": timezone.localdate().year})
        figures = figures_of(response)
        for name in LINKED:
            assert listed(client, figures.links[name]) == getattr(figures, name), name
        for row in response.context["categories"] + response.context["causes"]:
            assert listed(client, row["url"]) == row["value"], row["label"]
        for child in response.context["children"]:
            counted = HardshipFile.objects.filter(org_path__startswith=child.union.path, status=FileStatus.ACTIVE)
            assert child.active == counted.count() == listed(client, child.links["active"])
        assert sum(child.active for child in response.context["children"]) == figures.active

    def test_the_query_count_does_not_grow_with_households_or_unions(
        self, client, province, province_leader, django_assert_max_num_queries, settings
    ):
        settings.DASHBOARD_CACHE_SECONDS = 0  # every request computes the figures
        client.force_login(province_leader)
        client.get(PAGE)  # warm the session and the content types
        with CaptureQueriesContext(connection) as small:
            client.get(PAGE)
        generate(households=200, seed=12, code="G71", cities=4, counties=3, streets=2)
        assert len(province_leader.organization.children.all()) == 4
        with django_assert_max_num_queries(len(small)):
            response = client.get(PAGE)
        assert len(response.context["children"]) == 4
        assert len(small) <= 20


def test_payments_and_applications_waiting_are_counted_from_their_own_rows(client, leader, county_data):
    client.force_login(leader)
    figures = figures_of(client.get(PAGE, {"year": YEAR}))
    scope = {"org_path__startswith": leader.organization.path}
    assert figures.payments == Disbursement.objects.filter(paid_on__year=YEAR, **scope).count()
    assert (
        figures.applications_waiting
        == AidApplication.objects.filter(status=ApplicationStatus.SUBMITTED, **scope).count()
    )


def filed_on(file, caseworker, approver, on):
    """Walk an applied file to active: notice from `on` (a Monday) for two weeks, approved two weeks after `on`."""
    file = file_transition(file=file, action="first_review", by=caseworker, today=on)
    file = file_transition(file=file, action="home_check", by=caseworker, authorization_signed=True, today=on)
    file = file_transition(file=file, action="start_notice", by=caseworker, notice_start=on,
                           notice_end=on + timedelta(days=9), today=on)  # fmt: skip
    return file_transition(file=file, action="approve", by=approver, today=on + timedelta(days=14))


def exited_on(file, caseworker, approver, on):
    file = file_transition(file=file, action="propose_exit", by=caseworker, comment="就业稳定")
    file = file_transition(file=file, action="start_exit_notice", by=approver, notice_start=on,
                           notice_end=on + timedelta(days=9), today=on)  # fmt: skip
    return file_transition(file=file, action="approve_exit", by=approver, today=on + timedelta(days=14))


def refiled_on(file, caseworker, on):
    """Re-file as returned (返困): the new file becomes the household's current one."""
    details = {"finances": LOW_INCOME, "level": "county", "primary_cause": 3, "secondary_causes": [],
               "contact_person": caseworker, "today": on}  # fmt: skip
    return file_refile_returned(previous_file=file, by=caseworker, **details)


def test_a_household_that_left_and_came_back_counts_as_the_annual_summary_does(
    client, tree, caseworker, approver, leader
):
    """This year: filed in March, exited in May, re-filed as returned (返困) in June (not yet approved). Last year:
    filed and exited, re-filed and approved this January. Each year's numbers count files, not current files, and
    equal AnnualSummary's."""
    make_standard(tree["province"], year=YEAR - 1)
    make_standard(tree["province"])
    this_year = make_active_file(make_household(tree["street_a"], caseworker), caseworker, approver)
    this_year = exited_on(this_year, caseworker, approver, date(YEAR, 5, 11))
    refiled_on(this_year, caseworker, date(YEAR, 6, 1))
    last_year = make_file(make_household(tree["street_b"], caseworker), caseworker, today=date(YEAR - 1, 3, 3))
    last_year = exited_on(filed_on(last_year, caseworker, approver, date(YEAR - 1, 3, 3)), caseworker, approver,
                          date(YEAR - 1, 9, 8))  # fmt: skip
    filed_on(refiled_on(last_year, caseworker, date(YEAR, 1, 5)), caseworker, approver, date(YEAR, 1, 5))
    client.force_login(leader)
    expected = {YEAR - 1: (0, 1, 1, 1), YEAR: (0, 2, 1, 1)}  # files at start, new, exited, found and out
    for year in (YEAR - 1, YEAR):
        summaries_compute(organization=tree["county"], year=year)
        summary = AnnualSummary.objects.get(organization=tree["county"], year=year)
        figures = figures_of(client.get(PAGE, {"year": year}))
        names = ["files_at_start", "new", "exited", "relieved", "found_and_out"]
        assert [getattr(figures, name) for name in names] == [getattr(summary, name) for name in names], year
        assert (figures.files_at_start, figures.new, figures.exited, figures.found_and_out) == expected[year]
        assert figures.exit_rate == summary.exit_rate
        for name in ["new", "exited", "relieved", "left", "found_and_out"]:
            assert listed(client, figures.links[name]) == getattr(figures, name), (year, name)
    assert figures.active == listed(client, figures.links["active"]) == 1


class TestCachedFigures:
    """A union's figures are computed once per DASHBOARD_CACHE_SECONDS and shared by everyone who may see them."""

    def test_a_second_visit_reads_the_cache_and_says_how_old_the_figures_are(self, client, leader, county_data):
        client.force_login(leader)
        client.get("/")  # the session and the content types
        with CaptureQueriesContext(connection) as first:
            client.get(PAGE, {"year": YEAR, "org": leader.organization.pk})
        HardshipFile.objects.filter(org_path__startswith=leader.organization.path, status=FileStatus.ACTIVE).update(
            status=FileStatus.EXITED, closed_on=date(YEAR, 10, 1)
        )
        with CaptureQueriesContext(connection) as second:
            response = client.get(PAGE, {"year": YEAR})
        assert figures_of(response).active == 2  # as computed, not as now
        assert len(second) <= len(first) - 10  # none of the aggregates ran again
        assert "computed-at" in response.content.decode()
        assert response.context["computed_at"] <= timezone.now()

    def test_another_leader_of_the_union_gets_the_same_figures(self, client, leader, county_data):
        other = UserFactory(organization=leader.organization, role=Role.LEADER)
        client.force_login(leader)
        mine = figures_of(client.get(PAGE, {"year": YEAR}))
        client.force_login(other)
        with CaptureQueriesContext(connection) as queries:
            theirs = figures_of(client.get(PAGE, {"year": YEAR}))
        assert (theirs.active, theirs.money_total) == (mine.active, mine.money_total)
        assert not [q for q in queries if "cases_hardshipfile" in q["sql"] and "COUNT" in q["sql"]]

    def test_each_union_year_and_language_has_its_own_entry(self, client, tree, leader, county_data):
        client.force_login(leader)
        county = figures_of(client.get(PAGE, {"year": YEAR}))
        street = figures_of(client.get(PAGE, {"year": YEAR, "org": tree["street_b"].pk}))
        assert (county.active, street.active) == (2, 1)
        client.cookies["django_language"] = "en"
        response = client.get(PAGE, {"year": YEAR})
        assert "Active files by hardship category" in response.content.decode()
        assert response.context["charts"]["trend"]["label"] == "remaining at end of year"

    def test_with_no_cache_every_visit_computes_the_figures(self, client, leader, county_data, settings):
        settings.DASHBOARD_CACHE_SECONDS = 0
        client.force_login(leader)
        assert figures_of(client.get(PAGE, {"year": YEAR})).active == 2
        HardshipFile.objects.filter(org_path__startswith=leader.organization.path, status=FileStatus.ACTIVE).update(
            status=FileStatus.EXITED, closed_on=date(YEAR, 10, 1)
        )
        response = client.get(PAGE, {"year": YEAR})
        assert figures_of(response).active == 0
        assert "computed-at" not in response.content.decode()


def test_the_warm_up_task_fills_the_cache_of_the_provinces_and_cities(client, tree, county_data, settings):
    from accounts.models import Organization, OrganizationKind
    from reports.tasks import dashboard_warm_task

    upper = Organization.objects.filter(kind__in=[OrganizationKind.PROVINCIAL, OrganizationKind.CITY])
    assert dashboard_warm_task() == upper.count() >= 2
    province_leader = UserFactory(organization=tree["province"], role=Role.LEADER)
    client.force_login(province_leader)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert not [q for q in queries if "cases_hardshipfile" in q["sql"] and "COUNT" in q["sql"]]
    active = HardshipFile.objects.filter(org_path__startswith=tree["province"].path, status=FileStatus.ACTIVE)
    assert figures_of(response).active == active.count() == 3


def test_the_warm_up_task_does_nothing_without_the_cache(settings, tree):
    from reports.tasks import dashboard_warm_task

    settings.DASHBOARD_CACHE_SECONDS = 0
    assert dashboard_warm_task() == 0
