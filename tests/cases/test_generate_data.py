from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from cases.choices import FileStatus
from cases.generate import active_years, generate
from cases.identity import validate_id_number
from cases.models import (
    AssistancePlan,
    FileEvent,
    HardshipFile,
    Household,
    IncomeAssessment,
    LocalStandard,
    Member,
    PlanMeasure,
    Visit,
)

CLOSED = {FileStatus.EXITED, FileStatus.RELIEVED, FileStatus.CANCELLED}


@pytest.fixture
def generated(db):
    made = generate(households=60, seed=7, cities=1, counties=2, streets=2)
    connection.check_constraints()  # the foreign keys are deferred: check them before the test's rollback
    return made


def test_households_of_about_three_members_with_valid_ids_and_history(generated):
    assert len(generated.household_ids) == 60
    assert set(Household.objects.values_list("pk", flat=True)) == set(generated.household_ids)
    for model in (Household, Member, IncomeAssessment, HardshipFile, AssistancePlan, PlanMeasure, Visit):
        assert model.history.filter(history_type="+").count() == model.objects.count() > 0, model
    sizes = Counter(Member.objects.values_list("household_id", flat=True))
    assert 2.6 <= sum(sizes.values()) / len(sizes) <= 3.4
    assert Counter(Member.objects.filter(relation="head").values_list("household_id", flat=True)) == {
        pk: 1 for pk in generated.household_ids
    }
    numbers = list(Member.objects.values_list("id_number", "sex", "birth_date"))
    assert len({number for number, _sex, _born in numbers}) == len(numbers)
    for number, sex, born in numbers:
        validate_id_number(number)
        assert sex == ("male" if int(number[16]) % 2 else "female")
        assert born == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    for household in Household.objects.select_related("current_file"):
        assert household.current_file.household_id == household.pk
        assert household.current_file.org_path == household.org_path
    # Generated students are at the school their age says, as the Golden Autumn data expects.
    students = Member.objects.filter(relation="child", education_stage__in=["senior", "vocational", "undergraduate"])
    assert students.exists()
    assert all(15 <= member.age_on(timezone.localdate()) <= 22 for member in students)


def test_files_open_over_three_years_in_realistic_statuses(generated):
    today = timezone.localdate()
    files = list(HardshipFile.objects.all())
    years = {today.year - 2, today.year - 1, today.year}
    assert {file.opened_year for file in files} <= years
    assert len({file.opened_year for file in files}) >= 2  # (in the first days of January, no new one yet)
    active_in = Counter(year for file in files for year in active_years(file.activated_on, file.closed_on, today))
    assert set(active_in) == years  # reports and assessments of each of the three years have files
    statuses = Counter(file.status for file in files)
    assert statuses.most_common(1)[0][0] == FileStatus.ACTIVE
    assert len(statuses) >= 4
    for file in files:
        assert file.number.startswith(f"{file.organization.code}-{file.opened_year}-")
        if file.status in (FileStatus.APPLIED, FileStatus.NOTICE):
            assert file.activated_on is None and file.closed_on is None
            assert not file.plans.exists() and not file.visits.exists()
            continue
        assert date(today.year - 2, 1, 1) <= file.activated_on < today
        if file.status in CLOSED:
            assert file.activated_on < file.closed_on <= today
        else:
            assert file.closed_on is None
        if file.status in (FileStatus.EXITED, FileStatus.RELIEVED):
            assert file.exit_kind and file.follow_up_until > file.closed_on
        assert (file.status == FileStatus.CANCELLED) == bool(file.cancel_reason)
    events = defaultdict(list)
    for event in FileEvent.objects.order_by("at", "id").select_related("by"):
        events[event.file_id].append(event)
    for file in files:
        steps = events[file.pk]
        assert steps[0].action == "apply" and steps[-1].to_status == file.status
        assert all(earlier.at <= later.at for earlier, later in zip(steps, steps[1:], strict=False))
        for event in steps:
            approving = event.action in ("approve", "approve_exit", "cancel")
            assert event.by.has_role(Role.APPROVER if approving else Role.CASEWORKER)
            assert event.by_id != file.applied_by_id or not approving  # who applies does not approve


def test_two_visits_and_a_plan_for_every_year_a_file_was_active(generated):
    today = timezone.localdate()
    visits, plans = defaultdict(Counter), defaultdict(set)
    for file_id, day in Visit.objects.values_list("file_id", "visited_on"):
        visits[file_id][day.year] += 1
    measures = Counter(PlanMeasure.objects.values_list("plan_id", flat=True))
    for file_id, year, plan_id in AssistancePlan.objects.values_list("file_id", "year", "pk"):
        plans[file_id].add(year)
        assert measures[plan_id] >= 2
    spans = Counter()
    for file in HardshipFile.objects.all():
        years = active_years(file.activated_on, file.closed_on, today)
        spans[len(years)] += 1
        assert visits[file.pk] == {year: 2 for year in years}
        assert plans[file.pk] == set(years)
        for day in file.visits.values_list("visited_on", flat=True):
            assert file.activated_on <= day <= (file.closed_on or today)
    assert spans[3] and spans[2] and spans[1]  # files active in one, two and all three years


def test_incomes_are_what_the_assessment_computes_at_the_local_line(generated):
    assessments = list(IncomeAssessment.objects.select_related("household__organization"))
    assert len(assessments) > 60  # the opening one and yearly reviews
    for assessment in assessments:
        standard = LocalStandard.objects.for_union(assessment.household.organization, assessment.assessed_on.year)
        assert assessment.dibao_line == standard.dibao_line
        stored = (assessment.per_capita_monthly, assessment.implied_category)
        assessment.compute(dibao_line=standard.dibao_line, relative_multiple=standard.relative_multiple)
        assert (assessment.per_capita_monthly, assessment.implied_category) == stored
    for file in HardshipFile.objects.exclude(category="accident"):
        first = file.household.income_assessments.order_by("assessed_on", "id").first()
        assert first.implied_category == file.category
    # An exit follows at least six months above the line.
    for file in HardshipFile.objects.filter(status=FileStatus.EXITED):
        before = file.household.income_assessments.filter(assessed_on__lte=file.closed_on - timedelta(days=180))
        latest = before.order_by("-assessed_on", "-id").first()
        assert latest.per_capita_monthly > latest.dibao_line


def test_a_second_run_adds_without_clashing(db):
    generate(households=40, seed=1, cities=1, counties=1, streets=1)
    generate(households=40, seed=1, cities=1, counties=1, streets=1)
    connection.check_constraints()
    assert Household.objects.count() == 80
    numbers = list(HardshipFile.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert Member.history.count() == Member.objects.count()


def test_the_command_generates_cases_then_aid_and_says_how_long_each_took(db, capsys):
    call_command("generate_data", households=10, seed=3, code="G99")
    out = capsys.readouterr().out
    assert "Generated 10 households" in out
    assert "cases: households" in out and "programs: applications" in out
    assert "programs.AidApplication" in out
    assert Household.objects.filter(org_path__startswith=Household.objects.first().org_path[:4]).count() == 10
