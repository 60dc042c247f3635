"""The year-end assessment: worked examples of each recommendation, repeatable runs, a run that dies and resumes,
the one-active-run rule, a fixed number of queries per chunk, and summaries that roll up the tree."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.errors import DomainError
from assessment import services
from assessment.choices import Recommendation, RunStatus
from assessment.compute import StandardCache, assess_chunk, month_ends, months_above, visits_due
from assessment.models import Alert, AnnualSummary, AssessmentRun, HouseholdAssessment
from assessment.services import assessment_execute, assessment_start, files_to_assess
from cases.models import HardshipFile, Member
from cases.services.households import Finances, income_assess
from cases.services.visits import visit_record
from tests.cases.factories import make_active_file, make_household, member_values

YEAR = 2026


def income(household, by, day, monthly_per_person):
    """An income assessment giving `monthly_per_person` for a household of three."""
    return income_assess(household=household, by=by, assessed_on=day,
                         finances=Finances(wages=Decimal(monthly_per_person) * 3 * 12))  # fmt: skip


def two_visits(file, by):
    for day in (date(YEAR, 4, 1), date(YEAR, 10, 1)):
        visit_record(file=file, by=by, visited_on=day, kind="routine", findings="情况稳定")


YEAR_END = date(YEAR, 12, 31)


def run_for(organization, by, chunk_size=500):
    run = assessment_start(organization=organization, year=YEAR, by=by)
    return assessment_execute(run=run, chunk_size=chunk_size, today=YEAR_END)


def assessment_of(file):
    return HouseholdAssessment.objects.get(file=file, year=YEAR)


class TestRecommendations:
    def test_six_months_above_the_line_proposes_exit(self, tree, active_file, caseworker, leader):
        income(active_file.household, caseworker, date(YEAR, 6, 15), "1333.33")
        two_visits(active_file, caseworker)
        run_for(tree["county"], leader)
        row = assessment_of(active_file)
        assert (row.recommendation, row.months_above_line) == (Recommendation.EXIT, 6)
        assert row.per_capita_income == Decimal("1333.33") and row.dibao_line == Decimal("1000.00")
        assert "6" in row.reasons[0]

    def test_three_months_above_is_watched(self, tree, active_file, caseworker, leader):
        income(active_file.household, caseworker, date(YEAR, 10, 1), "1200")
        two_visits(active_file, caseworker)
        run_for(tree["county"], leader)
        assert (assessment_of(active_file).recommendation, assessment_of(active_file).months_above_line) == (
            Recommendation.WATCH, 3)  # fmt: skip

    def test_illness_with_aid_holding_the_line_proposes_relief(self, tree, active_file, caseworker, leader):
        Member.objects.filter(household=active_file.household, relation="head").update(health="serious")
        income(active_file.household, caseworker, date(YEAR, 11, 1), "1000")  # at the line, not above it
        two_visits(active_file, caseworker)
        run_for(tree["county"], leader)
        assert assessment_of(active_file).recommendation == Recommendation.RELIEVE

    def test_still_below_the_line_and_visited_remains(self, tree, active_file, caseworker, leader):
        two_visits(active_file, caseworker)
        run_for(tree["county"], leader)
        row = assessment_of(active_file)
        assert row.recommendation == Recommendation.REMAIN
        assert (row.visits_done, row.visits_due) == (2, 2)  # filed in March: ten months, one visit per six

    def test_too_few_visits_is_watched(self, tree, active_file, leader):
        run_for(tree["county"], leader)
        assert assessment_of(active_file).recommendation == Recommendation.WATCH

    def test_a_household_with_no_member_left_is_proposed_for_cancelling(self, tree, active_file, caseworker, leader):
        Member.objects.filter(household=active_file.household).update(is_active=False)
        run_for(tree["county"], leader)
        assert assessment_of(active_file).recommendation == Recommendation.CANCEL

    def test_the_assessment_never_changes_a_file(self, tree, active_file, caseworker, leader):
        income(active_file.household, caseworker, date(YEAR, 6, 15), "1333.33")
        before = HardshipFile.objects.filter(pk=active_file.pk).values().get()
        run_for(tree["county"], leader)
        assert HardshipFile.objects.filter(pk=active_file.pk).values().get() == before


def test_months_above_counts_the_latest_assessment_of_each_month():
    ends = month_ends(YEAR_END, 6)
    assert ends[0] == date(YEAR, 7, 31) and ends[-1] == date(YEAR, 12, 31)
    assert month_ends(date(YEAR, 2, 10), 3) == [date(YEAR - 1, 12, 31), date(YEAR, 1, 31), date(YEAR, 2, 28)]
    history = [(date(YEAR, 1, 5), Decimal("1500"), Decimal("1000")), (date(YEAR, 9, 1), Decimal("900"), Decimal("1000")),
               (date(YEAR, 11, 30), Decimal("1001"), Decimal("1000"))]  # fmt: skip
    # July, August above; September, October below; November, December above: the last two in a row count.
    assert months_above(history, ends) == 2
    assert months_above(history[:1], ends) == 6
    assert visits_due(date(YEAR, 3, 9), None, YEAR, 6) == 2
    assert visits_due(date(YEAR - 3, 1, 1), None, YEAR, 6) == 2


def households(tree, caseworker, approver, union, count):
    files = []
    for index in range(count):
        members = [member_values(name=f"户主{union.code}{index}"),
                   member_values("spouse", f"配偶{union.code}{index}", date(1983, 1, 9)),
                   member_values("child", f"子女{union.code}{index}", date(2010, 2, 3), work_status="not_working_age")]  # fmt: skip
        household = make_household(union, caseworker, members=members, address=f"{union.name}{index}号")
        files.append(make_active_file(household, caseworker, approver))
    return files


@pytest.fixture
def many_files(tree, standard, caseworker, approver):
    return households(tree, caseworker, approver, tree["street_a"], 5) + households(
        tree, caseworker, approver, tree["street_b"], 2
    )


def test_a_rerun_replaces_the_rows_and_gives_identical_results(tree, many_files, leader):
    run_for(tree["county"], leader)
    first = list(HouseholdAssessment.objects.order_by("file_id").values_list("file_id", "recommendation", "reasons",
                                                                             "visits_due", "months_above_line"))  # fmt: skip
    second_run = run_for(tree["county"], leader)
    again = list(HouseholdAssessment.objects.order_by("file_id").values_list("file_id", "recommendation", "reasons",
                                                                             "visits_due", "months_above_line"))  # fmt: skip
    assert again == first and len(again) == 7
    assert set(HouseholdAssessment.objects.values_list("run", flat=True)) == {second_run.pk}


def test_a_run_that_dies_after_two_chunks_resumes_with_one_row_per_file(tree, many_files, leader, monkeypatch):
    calls = {"count": 0}
    real = services.assess_chunk

    def dies_on_the_third_chunk(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 3:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "assess_chunk", dies_on_the_third_chunk)
    run = assessment_start(organization=tree["county"], year=YEAR, by=leader)
    with pytest.raises(RuntimeError):
        assessment_execute(run=run, chunk_size=2, today=YEAR_END)
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (RunStatus.FAILED, 4, 7)
    assert "worker killed" in run.error

    monkeypatch.setattr(services, "assess_chunk", real)
    services.assessment_resume(run=run, by=leader)
    run = assessment_execute(run=run, chunk_size=2, today=YEAR_END)
    assert (run.status, run.done, run.total) == (RunStatus.SUCCEEDED, 7, 7)
    assert HouseholdAssessment.objects.count() == 7
    assert sorted(HouseholdAssessment.objects.values_list("file_id", flat=True)) == sorted(f.pk for f in many_files)


def test_a_second_run_for_the_same_union_and_year_is_refused(tree, standard, leader):
    assessment_start(organization=tree["county"], year=YEAR, by=leader)
    with pytest.raises(DomainError, match="已"):
        assessment_start(organization=tree["county"], year=YEAR, by=leader)
    assert AssessmentRun.objects.count() == 1
    assessment_start(organization=tree["county"], year=YEAR - 1, by=leader)  # another year is fine


def test_caseworkers_and_outsiders_cannot_start_a_run(tree, standard, caseworker, outsider):
    for user in (caseworker, outsider):
        with pytest.raises(DomainError):
            assessment_start(organization=tree["county"], year=YEAR, by=user)


def test_the_queries_of_a_chunk_do_not_grow_with_its_size(tree, many_files):
    def queries_for(files):
        with CaptureQueriesContext(connection) as captured:
            assess_chunk(list(HardshipFile.objects.filter(pk__in=[f.pk for f in files]).select_related(
                "household__organization")), YEAR, StandardCache(YEAR), YEAR_END)  # fmt: skip
        return len(captured.captured_queries)

    # Two files of one union against seven of two unions: the standards of all a chunk's unions come in one query.
    assert queries_for(many_files[:2]) == queries_for(many_files)


def test_summaries_roll_up_a_three_level_tree(tree, standard, caseworker, approver, leader):
    from tests.factories import UserFactory

    households(tree, caseworker, approver, tree["street_a"], 3)
    households(tree, caseworker, approver, tree["street_b"], 2)
    households(tree, caseworker, approver, tree["county"], 1)
    sibling_worker = UserFactory(organization=tree["sibling_county"], role="caseworker")
    sibling_approver = UserFactory(organization=tree["sibling_county"], role="approver")
    households(tree, sibling_worker, sibling_approver, tree["sibling_street"], 2)
    run_for(tree["province"], UserFactory(organization=tree["province"], role="leader"))

    summary = {s.organization.code: s for s in AnnualSummary.objects.filter(year=YEAR).select_related("organization")}
    assert (summary["330281001"].new, summary["330281002"].new) == (3, 2)
    assert summary["330281"].new == 3 + 2 + 1  # its streets and its own file
    assert summary["330282"].remaining == 2
    assert summary["330200"].remaining == summary["330281"].remaining + summary["330282"].remaining == 8
    assert summary["330000"].remaining == summary["330200"].remaining + summary["330400"].remaining == 8
    assert summary["330281"].visits_due == 6 * 2


def test_seed_demo_leaves_two_past_years_of_summaries_and_this_one(db):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("seed_demo", force=True)
    this_year = timezone.localdate().year
    province = AnnualSummary.objects.filter(organization__code="330000")
    assert set(province.values_list("year", flat=True)) >= {this_year - 2, this_year - 1, this_year}
    assert all(summary.new or summary.files_at_start for summary in province)
    assert Alert.objects.open().exists()  # the daily monitoring's first pass, so "My work" has something to show
    alerts = Alert.objects.count()
    call_command("seed_demo", force=True)
    assert AssessmentRun.objects.count() == 3  # nothing new the second time
    assert Alert.objects.count() == alerts


def test_a_file_closed_during_the_year_is_assessed_as_what_it_became(tree, active_file, caseworker, approver, leader):
    from cases.services.files import file_transition

    file = file_transition(file=active_file, action="propose_exit", by=caseworker, comment="收入稳定")
    file = file_transition(file=file, action="start_exit_notice", by=caseworker, notice_start=date(YEAR, 5, 4),
                           notice_end=date(YEAR, 5, 11), today=date(YEAR, 5, 4))  # fmt: skip
    file_transition(file=file, action="approve_exit", by=approver, today=date(YEAR, 5, 12))
    run_for(tree["county"], leader)
    row = assessment_of(active_file)
    assert row.recommendation == Recommendation.EXIT
    assert "2026-05-12" in row.reasons[0]
    # The year before it was filed it is not assessed at all; a later run of this year still finds it.
    assert files_to_assess(tree["county"], YEAR - 1).count() == 0
    assert files_to_assess(tree["county"], YEAR).count() == 1


def test_exit_needs_the_local_number_of_months_in_a_row(tree, standard, active_file, caseworker, leader):
    type(standard).objects.filter(pk=standard.pk).update(exit_months=8)
    income(active_file.household, caseworker, date(YEAR, 6, 15), "1333.33")  # June to December: seven months
    run_for(tree["county"], leader)
    assert assessment_of(active_file).recommendation == Recommendation.WATCH


def test_only_approvers_and_leaders_resume_a_run(tree, standard, leader, caseworker):
    run = assessment_start(organization=tree["county"], year=YEAR, by=leader)
    AssessmentRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    with pytest.raises(DomainError):
        services.assessment_resume(run=run, by=caseworker)
    assert services.assessment_resume(run=run, by=leader).status == RunStatus.QUEUED


def test_moving_a_union_moves_its_household_assessments(tree, active_file, caseworker, leader):
    from accounts.services import organization_move

    run_for(tree["county"], leader)
    organization_move(organization=tree["street_a"], new_parent=tree["sibling_county"])
    row = assessment_of(active_file)
    row.refresh_from_db()
    assert row.org_path.startswith(tree["sibling_county"].path)
