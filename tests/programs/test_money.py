"""Money: approval against the budget line, payment with a frozen snapshot, cancellation releasing the money, and
the retries that must change nothing."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.errors import DomainError
from cases.models import Household, Member
from cases.services.households import household_update
from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.errors import BudgetExceeded, NotEligible, TransitionNotAllowed
from programs.models import AidApplication, Budget, Disbursement
from programs.services.applications import application_decide, application_submit
from programs.services.money import application_approve, budget_used, disbursement_record
from tests.cases.factories import make_active_file, make_household
from tests.programs.factories import make_budget, make_program
from tests.programs.helpers import apply


def submit(program, household, caseworker, cost="30000", **extra):
    """A submitted critical-illness application: 30,000 out of pocket gives 4,000 with the example bands."""
    application = apply(program, household, caseworker, disease=program.diseases.first(),
                        out_of_pocket_cost=Decimal(cost), **extra)  # fmt: skip
    return application_submit(application=application, by=caseworker)


def usage(budget):
    line = Budget.objects.with_usage().get(pk=budget.pk)
    return line.committed, line.paid, line.remaining


def reload(application):
    return AidApplication.objects.get(pk=application.pk)


@pytest.fixture
def county_budget(illness_program, tree):
    return Budget.objects.get(program=illness_program, organization=tree["county"])


@pytest.fixture
def submitted(illness_program, active_file, caseworker):
    return submit(illness_program, active_file.household, caseworker)


@pytest.fixture
def approved(submitted, approver):
    return application_approve(application=submitted, by=approver).application


@pytest.fixture
def small_program(tree, tiers):
    """A critical-illness program with 5,000 left in its county budget: one grant of 4,000 fits, two do not."""
    return make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS, budget="5000")


class TestApproval:
    def test_it_sets_the_amount_the_budget_line_and_commits_the_money(self, submitted, approver, county_budget):
        assert usage(county_budget) == (Decimal("0.00"), Decimal("0.00"), Decimal("1000000.00"))
        outcome = application_approve(application=submitted, by=approver)
        assert outcome.done
        application = reload(submitted)
        assert application.status == S.APPROVED
        assert application.approved_amount == Decimal("4000.00")
        assert application.budget == county_budget
        assert usage(county_budget) == (Decimal("4000.00"), Decimal("0.00"), Decimal("996000.00"))
        assert budget_used(county_budget) == Decimal("4000.00")

    def test_an_approver_may_approve_less_than_asked(self, submitted, approver, county_budget):
        application_approve(application=submitted, by=approver, amount=Decimal("2500.50"))
        assert reload(submitted).approved_amount == Decimal("2500.50")
        assert usage(county_budget)[0] == Decimal("2500.50")

    def test_more_than_the_rule_maximum_is_refused(self, submitted, approver, county_budget):
        with pytest.raises(NotEligible):
            application_approve(application=submitted, by=approver, amount=Decimal("4000.01"))
        application = reload(submitted)
        assert application.status == S.SUBMITTED
        assert application.approved_amount is None and application.budget is None
        assert usage(county_budget)[0] == Decimal("0.00")

    def test_a_negative_amount_is_refused(self, submitted, approver):
        with pytest.raises(DomainError):
            application_approve(application=submitted, by=approver, amount=Decimal("-1"))
        assert reload(submitted).status == S.SUBMITTED

    def test_more_than_the_budget_has_left_is_refused_and_nothing_changes(
        self, small_program, active_file, caseworker, approver
    ):
        budget = Budget.objects.get(program=small_program)
        first = submit(small_program, active_file.household, caseworker)
        second = submit(small_program, active_file.household, caseworker)
        application_approve(application=first, by=approver)
        before = usage(budget)
        assert before == (Decimal("4000.00"), Decimal("0.00"), Decimal("1000.00"))
        with pytest.raises(BudgetExceeded):
            application_approve(application=second, by=approver)
        second = reload(second)
        assert second.status == S.SUBMITTED
        assert second.approved_amount is None and second.budget is None
        assert not second.events.filter(action="approve").exists()
        assert usage(budget) == before

    def test_what_is_left_may_still_be_approved_exactly(self, small_program, active_file, caseworker, approver):
        budget = Budget.objects.get(program=small_program)
        application_approve(application=submit(small_program, active_file.household, caseworker), by=approver)
        second = submit(small_program, active_file.household, caseworker)
        assert application_approve(application=second, by=approver, amount=Decimal("1000")).done
        assert usage(budget) == (Decimal("5000.00"), Decimal("0.00"), Decimal("0.00"))

    def test_without_a_budget_line_nothing_is_approved(self, tree, tiers, active_file, caseworker, approver):
        unfunded = make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS, budget=None)
        application = submit(unfunded, active_file.household, caseworker)
        with pytest.raises(BudgetExceeded):
            application_approve(application=application, by=approver)
        assert reload(application).status == S.SUBMITTED

    def test_a_budget_line_of_another_year_does_not_count(self, tree, tiers, active_file, caseworker, approver):
        program = make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS, budget=None)
        line = Budget(program=program, year=program.year - 1, amount=Decimal("100000"))
        line.set_organization(tree["county"])
        line.save()
        with pytest.raises(BudgetExceeded):
            application_approve(application=submit(program, active_file.household, caseworker), by=approver)

    def test_a_service_program_is_approved_for_nothing_and_draws_on_no_budget(
        self, tree, tiers, active_file, caseworker, approver
    ):
        employment = make_program(tree["county"], ProgramKind.EMPLOYMENT)
        application = application_submit(application=apply(employment, active_file.household, caseworker),
                                         by=caseworker)  # fmt: skip
        assert application_approve(application=application, by=approver).done
        application = reload(application)
        assert application.status == S.APPROVED
        assert application.approved_amount == Decimal("0.00") and application.budget is None
        with pytest.raises(TransitionNotAllowed):
            disbursement_record(application=application, by=approver, paid_on=timezone.localdate(), method="cash")


class TestApprovalIsIdempotent:
    def test_approving_twice_approves_once(self, submitted, approver, county_budget):
        first = application_approve(application=submitted, by=approver)
        second = application_approve(application=submitted, by=approver)
        assert (first.done, second.done) == (True, False)
        assert second.application.status == S.APPROVED
        assert submitted.events.filter(action="approve").count() == 1
        assert usage(county_budget)[0] == Decimal("4000.00")

    def test_a_retry_with_another_amount_changes_nothing(self, submitted, approver, second_approver):
        application_approve(application=submitted, by=approver)
        retry = application_approve(application=submitted, by=second_approver, amount=Decimal("1000"))
        assert not retry.done
        application = reload(submitted)
        assert (application.approved_amount, application.decided_by) == (Decimal("4000.00"), approver)

    def test_approving_a_paid_application_changes_nothing(self, approved, approver, caseworker):
        disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="cash")
        assert not application_approve(application=approved, by=approver).done
        assert reload(approved).status == S.DISBURSED
        assert approved.events.filter(action="approve").count() == 1


class TestDisbursement:
    def test_paying_moves_the_money_from_committed_to_paid(self, approved, approver, county_budget):
        assert usage(county_budget)[:2] == (Decimal("4000.00"), Decimal("0.00"))
        outcome = disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="bank_transfer",
                                      reference="农行凭证 0012")  # fmt: skip
        assert outcome.done
        assert reload(approved).status == S.DISBURSED
        disbursement = Disbursement.objects.get(application=approved)
        assert (disbursement.amount, disbursement.paid_on, disbursement.recorded_by) == (
            Decimal("4000.00"), timezone.localdate(), approver,
        )  # fmt: skip
        assert disbursement.org_path == approved.org_path
        assert usage(county_budget) == (Decimal("0.00"), Decimal("4000.00"), Decimal("996000.00"))
        assert budget_used(county_budget) == Decimal("4000.00")

    def test_a_partial_payment_releases_the_rest(self, approved, approver, county_budget):
        disbursement_record(
            application=approved, by=approver, paid_on=timezone.localdate(), method="cash", amount=Decimal("3000")
        )
        assert usage(county_budget) == (Decimal("0.00"), Decimal("3000.00"), Decimal("997000.00"))

    def test_paying_twice_pays_once(self, approved, approver, second_approver, county_budget):
        first = disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="cash")
        second = disbursement_record(application=approved, by=second_approver, paid_on=timezone.localdate(), method="bank_transfer",
                                     amount=Decimal("1000"))  # fmt: skip
        assert (first.done, second.done) == (True, False)
        assert Disbursement.objects.filter(application=approved).count() == 1
        assert Disbursement.objects.get().method == "cash"
        assert approved.events.filter(action="disburse").count() == 1
        assert usage(county_budget)[1] == Decimal("4000.00")

    def test_more_than_the_approved_amount_is_refused(self, approved, approver):
        with pytest.raises(DomainError):
            disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="cash",
                                amount=Decimal("4000.01"))  # fmt: skip
        assert reload(approved).status == S.APPROVED
        assert not Disbursement.objects.exists()

    def test_nothing_is_not_a_payment(self, approved, approver):
        with pytest.raises(DomainError):
            disbursement_record(
                application=approved, by=approver, paid_on=timezone.localdate(), method="cash", amount=Decimal("0")
            )
        assert not Disbursement.objects.exists()

    def test_a_date_in_the_future_is_refused(self, approved, approver):
        tomorrow = timezone.localdate() + timedelta(days=1)
        with pytest.raises(DomainError):
            disbursement_record(application=approved, by=approver, paid_on=tomorrow, method="cash")
        assert reload(approved).status == S.APPROVED
        assert not Disbursement.objects.exists()

    def test_today_is_not_the_future(self, approved, approver):
        today = timezone.localdate()
        assert disbursement_record(application=approved, by=approver, paid_on=today, method="cash").done

    def test_an_unknown_method_is_refused(self, approved, approver):
        with pytest.raises(DomainError):
            disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="paypal")
        assert not Disbursement.objects.exists()

    def test_a_submitted_application_cannot_be_paid(self, submitted, approver):
        with pytest.raises(TransitionNotAllowed):
            disbursement_record(application=submitted, by=approver, paid_on=timezone.localdate(), method="cash")
        assert not Disbursement.objects.exists()


class TestSnapshot:
    def test_the_household_as_it_was_on_the_day_of_payment(self, approved, caseworker, approver, active_file):
        household = active_file.household
        household_update(household=household, by=caseworker,
                         fields={"bank_name": "中国农业银行", "bank_account": "6228480012345678"})  # fmt: skip
        disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="bank_transfer")
        head = household.members.get(relation="head")

        household_update(household=Household.objects.get(pk=household.pk), by=caseworker,
                         fields={"bank_name": "中国银行", "bank_account": "6217000099998888"})  # fmt: skip
        Member.objects.filter(pk=head.pk).update(name="张伟强")

        snapshot = Disbursement.objects.get(application=approved).snapshot
        assert snapshot["bank_name"] == "中国农业银行"
        assert snapshot["bank_account"] == "6228480012345678"
        assert snapshot["head_name"] == "张伟"
        assert snapshot["beneficiary_name"] == "张伟"
        assert snapshot["file_number"] == active_file.number
        assert snapshot["category_code"] == active_file.category
        assert snapshot["household_code"] == household.code

    def test_the_id_number_is_masked(self, approved, approver):
        disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="cash")
        id_number = approved.beneficiary.id_number
        snapshot = Disbursement.objects.get(application=approved).snapshot
        assert snapshot["beneficiary_id_masked"] == id_number[:4] + "*" * 10 + id_number[-4:]
        assert id_number not in json.dumps(snapshot)


class TestCancellation:
    def test_cancelling_an_approval_releases_its_money(self, approved, approver, county_budget):
        assert usage(county_budget)[0] == Decimal("4000.00")
        application_decide(application=approved, action="cancel", by=approver, comment="重复申请")
        assert usage(county_budget) == (Decimal("0.00"), Decimal("0.00"), Decimal("1000000.00"))
        assert budget_used(county_budget) == Decimal("0.00")

    def test_the_money_released_may_be_approved_again(self, small_program, active_file, caseworker, approver):
        first = submit(small_program, active_file.household, caseworker)
        second = submit(small_program, active_file.household, caseworker)
        application_approve(application=first, by=approver)
        with pytest.raises(BudgetExceeded):
            application_approve(application=second, by=approver)
        application_decide(application=first, action="cancel", by=approver, comment="误批")
        assert application_approve(application=second, by=approver).done


class TestBudgetLines:
    def test_a_household_of_a_street_with_its_own_line_draws_on_that_line(
        self, illness_program, active_file, caseworker, approver, tree, county_budget
    ):
        street_line = make_budget(illness_program, tree["street_a"], "10000")
        application = submit(illness_program, active_file.household, caseworker)
        application_approve(application=application, by=approver)
        assert reload(application).budget == street_line
        assert usage(street_line)[0] == Decimal("4000.00")
        assert usage(county_budget)[0] == Decimal("0.00")

    def test_the_streets_line_is_the_limit_even_when_the_county_has_money(
        self, illness_program, active_file, caseworker, approver, tree, county_budget
    ):
        make_budget(illness_program, tree["street_a"], "3000")
        application = submit(illness_program, active_file.household, caseworker)
        with pytest.raises(BudgetExceeded):
            application_approve(application=application, by=approver)
        assert reload(application).status == S.SUBMITTED

    def test_a_household_of_another_street_draws_on_the_countys_line(
        self, illness_program, active_file, caseworker, approver, tree, county_budget
    ):
        make_budget(illness_program, tree["street_a"], "10000")
        other = make_active_file(make_household(tree["street_b"], caseworker), caseworker, approver)
        application = submit(illness_program, other.household, caseworker)
        application_approve(application=application, by=approver)
        assert reload(application).budget == county_budget

    def test_a_line_of_a_union_above_the_program_is_not_drawn_on(
        self, illness_program, active_file, caseworker, approver, tree, county_budget
    ):
        make_budget(illness_program, tree["city"], "10")
        application = submit(illness_program, active_file.household, caseworker)
        application_approve(application=application, by=approver)
        assert reload(application).budget == county_budget


def test_a_retry_by_someone_who_may_not_approve_is_refused_not_reported_as_done(approved, leader, caseworker):
    for user in (leader, caseworker):
        with pytest.raises(TransitionNotAllowed):
            application_approve(application=approved, by=user)


def test_a_retried_payment_by_an_outsider_is_refused(approved, approver, outsider):
    disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="cash")
    with pytest.raises(TransitionNotAllowed):
        disbursement_record(application=approved, by=outsider, paid_on=timezone.localdate(), method="cash")


def test_a_money_program_is_not_approved_for_zero(submitted, approver):
    with pytest.raises(DomainError):
        application_approve(application=submitted, by=approver, amount=Decimal("0"))
    assert reload(submitted).status == S.SUBMITTED
