"""The holiday-visit batch (送温暖): one application per active file in the approver's area, approved in one action,
all or nothing."""

from decimal import Decimal

import pytest

from accounts.errors import DomainError
from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.errors import BudgetExceeded, TransitionNotAllowed
from programs.models import AidApplication, ApplicationBatch, ApplicationEvent, Budget
from programs.services.money import budget_used, holiday_batch_approve, holiday_batch_generate
from tests.cases.factories import make_active_file, make_file, make_household
from tests.programs.factories import make_budget, make_program


@pytest.fixture
def active_files(tree, standard, caseworker, approver):
    """Three active files of 余姚: two streets and an enterprise below one of them."""
    return [
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
        for union in ("street_a", "street_b", "enterprise")
    ]


@pytest.fixture
def sibling_file(tree, standard, outsider, outsider_approver):
    return make_active_file(make_household(tree["sibling_street"], outsider), outsider, outsider_approver)


@pytest.fixture
def holiday(tree, tiers):
    """The city's holiday-visit program, 1,500 a household: both counties may use it."""
    return make_program(tree["city"], ProgramKind.HOLIDAY)


def test_it_makes_one_submitted_application_per_active_file_of_the_approvers_area(
    holiday, active_files, sibling_file, approver, caseworker, tree
):
    make_file(make_household(tree["street_a"], caseworker), caseworker)  # applied, not yet active
    batch = holiday_batch_generate(program=holiday, by=approver)
    assert batch.organization == tree["county"]
    applications = AidApplication.objects.filter(batch=batch)
    assert {application.file for application in applications} == set(active_files)
    assert sibling_file.household_id not in {application.household_id for application in applications}
    for application in applications:
        assert application.status == S.SUBMITTED
        assert application.requested_amount == Decimal("1500.00")
        assert application.beneficiary.relation == "head"
        assert application.approval_organization == tree["county"]
        assert application.org_path == application.household.org_path
    assert ApplicationEvent.objects.filter(application__batch=batch, action="batch", to_status=S.SUBMITTED).count() == 3
    assert all(application.history.count() == 1 for application in applications)


def test_running_it_again_creates_nothing(holiday, active_files, approver):
    holiday_batch_generate(program=holiday, by=approver)
    with pytest.raises(DomainError):
        holiday_batch_generate(program=holiday, by=approver)
    assert ApplicationBatch.objects.count() == 1
    assert AidApplication.objects.count() == 3


def test_a_second_run_takes_only_the_files_activated_since(holiday, active_files, approver, caseworker, tree):
    holiday_batch_generate(program=holiday, by=approver)
    late = make_active_file(make_household(tree["street_b"], caseworker), caseworker, approver)
    second = holiday_batch_generate(program=holiday, by=approver)
    assert [application.file for application in second.applications.all()] == [late]
    assert AidApplication.objects.count() == 4


def test_the_sibling_countys_approver_gets_only_its_own_files(holiday, active_files, sibling_file, outsider_approver):
    batch = holiday_batch_generate(program=holiday, by=outsider_approver)
    assert [application.file for application in batch.applications.all()] == [sibling_file]


def test_a_county_program_is_not_the_sibling_countys_to_batch(tree, tiers, active_files, outsider_approver):
    county_program = make_program(tree["county"], ProgramKind.HOLIDAY)
    with pytest.raises(TransitionNotAllowed):
        holiday_batch_generate(program=county_program, by=outsider_approver)
    assert not AidApplication.objects.exists()


def test_a_caseworker_cannot_generate_a_batch(holiday, active_files, caseworker):
    with pytest.raises(TransitionNotAllowed):
        holiday_batch_generate(program=holiday, by=caseworker)
    assert not ApplicationBatch.objects.exists()


def test_only_holiday_programs_are_batched(tree, tiers, active_files, approver):
    with pytest.raises(DomainError):
        holiday_batch_generate(program=make_program(tree["county"], ProgramKind.LIVING), by=approver)
    assert not ApplicationBatch.objects.exists()


def test_it_approves_the_whole_batch_in_one_action(holiday, active_files, approver, tree):
    batch = holiday_batch_generate(program=holiday, by=approver)
    assert holiday_batch_approve(batch=batch, by=approver) == 3
    applications = AidApplication.objects.filter(batch=batch)
    assert {application.status for application in applications} == {S.APPROVED}
    assert {application.approved_amount for application in applications} == {Decimal("1500.00")}
    budget = Budget.objects.get(program=holiday, organization=tree["city"])
    assert {application.budget for application in applications} == {budget}
    assert budget_used(budget) == Decimal("4500.00")
    events = ApplicationEvent.objects.filter(action="approve_batch", from_status=S.SUBMITTED, to_status=S.APPROVED)
    assert events.count() == 3
    batch.refresh_from_db()
    assert batch.approved_by == approver and batch.approved_at is not None


def test_approving_it_twice_approves_once(holiday, active_files, approver, second_approver):
    batch = holiday_batch_generate(program=holiday, by=approver)
    holiday_batch_approve(batch=batch, by=approver)
    assert holiday_batch_approve(batch=batch, by=second_approver) == 0
    assert ApplicationEvent.objects.filter(action="approve_batch").count() == 3
    batch.refresh_from_db()
    assert batch.approved_by == approver


def test_a_caseworker_cannot_approve_a_batch(holiday, active_files, approver, caseworker):
    batch = holiday_batch_generate(program=holiday, by=approver)
    with pytest.raises(TransitionNotAllowed):
        holiday_batch_approve(batch=batch, by=caseworker)
    assert set(AidApplication.objects.values_list("status", flat=True)) == {S.SUBMITTED}


def test_it_is_all_or_nothing_when_the_budget_covers_fewer_than_all(tree, tiers, active_files, approver):
    tight = make_program(tree["county"], ProgramKind.HOLIDAY, budget="4499.99")  # two of three, not the third
    batch = holiday_batch_generate(program=tight, by=approver)
    with pytest.raises(BudgetExceeded):
        holiday_batch_approve(batch=batch, by=approver)
    assert set(AidApplication.objects.filter(batch=batch).values_list("status", flat=True)) == {S.SUBMITTED}
    assert not AidApplication.objects.filter(batch=batch, approved_amount__isnull=False).exists()
    assert not ApplicationEvent.objects.filter(action="approve_batch").exists()
    assert budget_used(Budget.objects.get(program=tight)) == Decimal("0.00")
    batch.refresh_from_db()
    assert batch.approved_at is None


def test_a_budget_that_covers_exactly_all_is_enough(tree, tiers, active_files, approver):
    exact = make_program(tree["county"], ProgramKind.HOLIDAY, budget="4500")
    batch = holiday_batch_generate(program=exact, by=approver)
    assert holiday_batch_approve(batch=batch, by=approver) == 3


def test_lines_of_each_street_are_checked_each_on_its_own(tree, tiers, active_files, approver):
    """street_a (with its enterprise) has its own line for one visit only; street_b draws on the county's."""
    program = make_program(tree["county"], ProgramKind.HOLIDAY)
    make_budget(program, tree["street_a"], "1500")
    batch = holiday_batch_generate(program=program, by=approver)
    with pytest.raises(BudgetExceeded):
        holiday_batch_approve(batch=batch, by=approver)
    assert not AidApplication.objects.filter(status=S.APPROVED).exists()


def test_the_generator_approves_the_batch_as_a_whole_but_not_one_by_one(tree, caseworker, approver):
    from programs.errors import SeparationOfDuties
    from programs.models import AidApplication
    from programs.services.money import application_approve, holiday_batch_generate
    from tests.cases.factories import make_active_file, make_household, make_standard
    from tests.programs.factories import make_program, make_tiers

    make_standard(tree["province"])
    make_tiers()
    household = make_household(tree["street_a"], caseworker)
    make_active_file(household, caseworker, approver)
    holiday = make_program(tree["county"], "holiday")
    batch = holiday_batch_generate(program=holiday, by=approver)
    with pytest.raises(SeparationOfDuties):
        application_approve(application=AidApplication.objects.get(batch=batch), by=approver)
