"""Daily monitoring: each kind of alert is raised once, resolved when its condition clears, and the refresh reads in a
fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.choices import AlertKind
from assessment.models import Alert
from assessment.monitoring import alerts_refresh
from assessment.tasks import monitoring_daily
from cases.choices import Cause, FilingLevel, Health, Relation
from cases.models import HardshipFile, Member
from cases.services.files import file_refile_returned, file_transition
from cases.services.households import Finances, income_assess
from cases.services.plans import measure_add, measure_update, plan_save
from cases.services.visits import visit_record
from tests.cases.factories import make_active_file, make_household

# make_active_file approves on 9 March 2026: the first visit is due on 9 September 2026.
VISIT_DUE = date(2026, 9, 9)


def exit_file(file, caseworker, approver, action="propose_exit"):
    """Propose on 31 March 2026, public notice 31 March to 7 April (five working days around 清明 4 to 6 April),
    approved 8 April: followed up until 8 April 2027."""
    file = file_transition(file=file, action=action, by=caseworker, comment="收入稳定", today=date(2026, 3, 31))
    file = file_transition(file=file, action="start_exit_notice", by=caseworker, notice_start=date(2026, 3, 31),
                           notice_end=date(2026, 4, 7), today=date(2026, 3, 31))  # fmt: skip
    return file_transition(file=file, action="approve_exit", by=approver, today=date(2026, 4, 8))


def income(household, by, day, monthly_per_person):
    """An income assessment giving `monthly_per_person` for a household of three."""
    return income_assess(household=household, by=by, assessed_on=day,
                         finances=Finances(wages=Decimal(monthly_per_person) * 3 * 12))  # fmt: skip


def visit(file, by, day):
    return visit_record(file=file, by=by, visited_on=day, kind="routine", findings="家中情况稳定")


def open_kinds(file) -> set[str]:
    return set(Alert.objects.open().filter(file=file).values_list("kind", flat=True))


def refresh(day):
    return alerts_refresh(today=day)


def falls_ill(file):
    """The spouse falls seriously ill while the file records another cause."""
    HardshipFile.objects.filter(pk=file.pk).update(primary_cause=Cause.LAID_OFF, secondary_causes=[Cause.SCHOOLING])
    Member.objects.filter(household=file.household, relation=Relation.SPOUSE).update(health=Health.SERIOUS)


@pytest.fixture
def exited_file(active_file, caseworker, approver):
    return exit_file(active_file, caseworker, approver)


class TestVisitOverdue:
    def test_it_is_raised_the_day_after_the_due_date(self, active_file):
        assert refresh(VISIT_DUE)["created"] == 0
        assert refresh(VISIT_DUE + timedelta(days=1)) == {"created": 1, "resolved": 0, "updated": 0}
        alert = Alert.objects.get()
        assert (alert.file, alert.kind, alert.resolved_at) == (active_file, AlertKind.VISIT_OVERDUE, None)
        assert "2026-09-09" in alert.details

    def test_it_is_raised_once_however_often_the_refresh_runs(self, active_file):
        refresh(date(2026, 9, 10))
        assert refresh(date(2026, 9, 10)) == {"created": 0, "resolved": 0, "updated": 0}
        assert refresh(date(2026, 9, 20))["created"] == 0
        assert Alert.objects.count() == 1

    def test_a_visit_resolves_it(self, active_file, caseworker):
        refresh(date(2026, 9, 10))
        visit(active_file, caseworker, date(2026, 9, 10))
        assert refresh(date(2026, 9, 11)) == {"created": 0, "resolved": 1, "updated": 0}
        alert = Alert.objects.get()
        assert alert.resolved_at is not None and alert.resolved_by is None
        assert alert.history.count() == 2  # raised, resolved: the audit trail is kept

    def test_it_comes_back_as_a_new_alert_when_the_next_visit_is_missed(self, active_file, caseworker):
        refresh(date(2026, 9, 10))
        visit(active_file, caseworker, date(2026, 9, 10))
        refresh(date(2026, 9, 11))
        assert refresh(date(2027, 3, 11))["created"] == 1
        assert Alert.objects.count() == 2 and Alert.objects.open().count() == 1


class TestFollowUpAfterExit:
    def test_an_exited_household_is_followed_up_not_overdue(self, exited_file):
        refresh(date(2026, 9, 10))
        assert open_kinds(exited_file) == {AlertKind.FOLLOW_UP_DUE}
        assert "2027-04-08" in Alert.objects.get().details  # follow-up continues until then

    def test_a_follow_up_visit_resolves_it(self, exited_file, caseworker):
        refresh(date(2026, 9, 10))
        visit_record(file=exited_file, by=caseworker, visited_on=date(2026, 9, 10), kind="follow_up", findings="稳定")
        assert refresh(date(2026, 9, 11))["resolved"] == 1
        assert open_kinds(exited_file) == set()

    def test_it_ends_after_the_configured_months(self, exited_file):
        assert exited_file.follow_up_until == date(2027, 4, 8)  # 12 months, from the local standard
        refresh(date(2027, 4, 8))
        assert open_kinds(exited_file) == {AlertKind.FOLLOW_UP_DUE}
        assert refresh(date(2027, 4, 9))["resolved"] == 1
        assert open_kinds(exited_file) == set()
        assert refresh(date(2027, 6, 1))["created"] == 0

    def test_a_relieved_household_is_followed_up_too(self, active_file, caseworker, approver):
        relieved = exit_file(active_file, caseworker, approver, action="propose_relief")
        refresh(date(2026, 9, 10))
        assert open_kinds(relieved) == {AlertKind.FOLLOW_UP_DUE}


class TestIncomeBelowLineAfterExit:
    def test_the_assessment_before_the_exit_does_not_count(self, exited_file):
        # The filing assessment of 2 March 2026 was 666.67 a month, below the line, but came before the exit.
        refresh(date(2026, 4, 9))
        assert open_kinds(exited_file) == set()

    def test_a_new_assessment_below_the_line_raises_it_with_the_figures(self, exited_file, caseworker):
        income(exited_file.household, caseworker, date(2026, 5, 1), "800")
        assert refresh(date(2026, 5, 2))["created"] == 1
        alert = Alert.objects.get()
        assert alert.kind == AlertKind.INCOME_BELOW_LINE
        assert "800.00" in alert.details and "1000.00" in alert.details and "2026-05-01" in alert.details
        assert refresh(date(2026, 5, 3))["created"] == 0

    def test_the_latest_assessment_decides(self, exited_file, caseworker):
        income(exited_file.household, caseworker, date(2026, 5, 1), "800")
        refresh(date(2026, 5, 2))
        income(exited_file.household, caseworker, date(2026, 6, 1), "700")
        assert refresh(date(2026, 6, 2)) == {"created": 0, "resolved": 0, "updated": 1}
        assert "700.00" in Alert.objects.get().details  # the figures follow the newest assessment
        income(exited_file.household, caseworker, date(2026, 7, 1), "1200")
        assert refresh(date(2026, 7, 2))["resolved"] == 1
        assert open_kinds(exited_file) == set()

    def test_it_ends_with_the_follow_up(self, exited_file, caseworker):
        income(exited_file.household, caseworker, date(2026, 5, 1), "800")
        refresh(date(2027, 4, 8))
        assert AlertKind.INCOME_BELOW_LINE in open_kinds(exited_file)
        refresh(date(2027, 4, 9))
        assert open_kinds(exited_file) == set()

    def test_refiling_the_household_as_returned_resolves_it(self, exited_file, caseworker):
        income(exited_file.household, caseworker, date(2026, 5, 1), "800")
        refresh(date(2026, 5, 2))
        file_refile_returned(previous_file=exited_file, by=caseworker, finances=Finances(wages=Decimal("24000")),
                             level=FilingLevel.COUNTY, primary_cause=Cause.LAID_OFF, secondary_causes=[],
                             contact_person=caseworker, today=date(2026, 5, 3))  # fmt: skip
        refresh(date(2026, 5, 4))
        assert open_kinds(exited_file) == set()


class TestSeriousIllness:
    def test_a_serious_illness_the_causes_do_not_reflect_raises_it(self, active_file):
        refresh(date(2026, 4, 1))
        assert open_kinds(active_file) == set()
        falls_ill(active_file)
        assert refresh(date(2026, 4, 1))["created"] == 1
        assert open_kinds(active_file) == {AlertKind.SERIOUS_ILLNESS}
        assert refresh(date(2026, 4, 2))["created"] == 0

    def test_adding_the_cause_resolves_it(self, active_file):
        falls_ill(active_file)
        refresh(date(2026, 4, 1))
        HardshipFile.objects.filter(pk=active_file.pk).update(secondary_causes=[Cause.SCHOOLING, Cause.SERIOUS_ILLNESS])
        assert refresh(date(2026, 4, 2))["resolved"] == 1
        assert open_kinds(active_file) == set()

    def test_the_primary_cause_counts_and_former_members_do_not(self, active_file):
        Member.objects.filter(household=active_file.household, relation=Relation.SPOUSE).update(health=Health.SERIOUS)
        refresh(date(2026, 4, 1))
        assert open_kinds(active_file) == set()  # the file's primary cause is serious illness
        HardshipFile.objects.filter(pk=active_file.pk).update(primary_cause=Cause.LAID_OFF)
        Member.objects.filter(household=active_file.household, relation=Relation.SPOUSE).update(is_active=False)
        refresh(date(2026, 4, 1))
        assert open_kinds(active_file) == set()

    def test_it_is_watched_during_the_follow_up_only(self, exited_file):
        falls_ill(exited_file)
        refresh(date(2026, 5, 1))
        assert open_kinds(exited_file) == {AlertKind.SERIOUS_ILLNESS}
        refresh(date(2027, 4, 9))
        assert open_kinds(exited_file) == set()


class TestMeasureOverdue:
    @pytest.fixture
    def measure(self, active_file, caseworker):
        plan = plan_save(file=active_file, year=2026, goals="稳定就业", by=caseworker)
        return measure_add(plan=plan, by=caseworker, measure_type="employment", description="推荐到光学厂就业",
                           responsible=caseworker, due_date=date(2026, 5, 1))  # fmt: skip

    def test_an_open_measure_past_its_due_date_raises_it(self, active_file, measure):
        refresh(date(2026, 5, 1))
        assert open_kinds(active_file) == set()
        assert refresh(date(2026, 5, 2))["created"] == 1
        alert = Alert.objects.get()
        assert alert.kind == AlertKind.MEASURE_OVERDUE and "2026-05-01" in alert.details
        assert refresh(date(2026, 5, 3))["created"] == 0

    def test_marking_it_done_resolves_it(self, active_file, measure, caseworker):
        refresh(date(2026, 5, 2))
        measure_update(measure=measure, by=caseworker, status="done", outcome="已在光学厂上岗")
        assert refresh(date(2026, 5, 3))["resolved"] == 1
        assert open_kinds(active_file) == set()


def test_alerts_carry_the_union_of_their_file(exited_file, caseworker):
    income(exited_file.household, caseworker, date(2026, 5, 1), "800")
    refresh(date(2026, 9, 10))
    for alert in Alert.objects.all():
        assert (alert.organization, alert.org_path) == (exited_file.organization, exited_file.org_path)


def test_a_refresh_for_one_union_leaves_the_others_alone(tree, active_file, caseworker):
    refresh(date(2026, 9, 10))
    visit(active_file, caseworker, date(2026, 9, 10))
    assert alerts_refresh(today=date(2026, 9, 11), organization=tree["sibling_county"])["resolved"] == 0
    assert open_kinds(active_file) == {AlertKind.VISIT_OVERDUE}
    assert alerts_refresh(today=date(2026, 9, 11), organization=tree["county"])["resolved"] == 1


def test_the_daily_task_refreshes_the_alerts(active_file):
    HardshipFile.objects.filter(pk=active_file.pk).update(next_visit_due=timezone.localdate() - timedelta(days=1))
    assert monitoring_daily.delay().get() == {"created": 1, "resolved": 0, "updated": 0}
    assert monitoring_daily.delay().get() == {"created": 0, "resolved": 0, "updated": 0}
    assert open_kinds(active_file) == {AlertKind.VISIT_OVERDUE}


def test_the_refresh_reads_in_a_fixed_number_of_queries(tree, standard, caseworker, approver,
                                                         django_assert_max_num_queries):  # fmt: skip
    day = date(2026, 9, 10)

    def troubled_files(count):
        """Files with every kind of alert: overdue visit and measure, new illness; exited with low income."""
        files = []
        for _ in range(count):
            active = make_active_file(make_household(tree["street_a"], caseworker), caseworker, approver)
            plan = plan_save(file=active, year=2026, goals="稳定就业", by=caseworker)
            measure_add(plan=plan, by=caseworker, measure_type="employment", description="技能培训",
                        responsible=caseworker, due_date=date(2026, 5, 1))  # fmt: skip
            falls_ill(active)
            exited = make_active_file(make_household(tree["street_b"], caseworker), caseworker, approver)
            exited = exit_file(exited, caseworker, approver)
            income(exited.household, caseworker, date(2026, 5, 1), "800")
            falls_ill(exited)
            files += [active, exited]
        return files

    cleared = troubled_files(1)
    refresh(day)
    fresh = troubled_files(1)
    for file in cleared:
        visit(file, caseworker, day)
    with django_assert_max_num_queries(20) as few:
        counts = refresh(day)
    assert counts["created"] == 6 and counts["resolved"] == 2  # 3 kinds on each of the new files; visits cleared

    for file in fresh:
        visit(file, caseworker, day)
    troubled_files(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        counts = refresh(day)
    assert counts["created"] == 24 and counts["resolved"] == 2
    assert Alert.objects.open().count() == 2 * 4 + 24
