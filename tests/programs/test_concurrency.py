"""Requests that race: the row locks on the budget line and on the application keep the money right.

Each thread has its own database connection and transaction, as two requests of two gunicorn workers would; only
PostgreSQL has the row locks (SQLite locks the whole database and would prove nothing).
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.errors import DomainError
from accounts.models import User
from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.errors import BudgetExceeded
from programs.models import AidApplication, ApplicationBatch, ApplicationEvent, Budget, Disbursement, Program
from programs.services import money
from programs.services.applications import application_submit
from programs.services.money import (
    application_approve,
    budget_used,
    disbursement_record,
    holiday_batch_approve,
    holiday_batch_generate,
)
from tests.cases.factories import make_active_file, make_household
from tests.programs.factories import make_program
from tests.programs.helpers import apply

# The role groups the flush after each test takes are put back for the next one (tests/conftest.py).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(work, count: int) -> list:
    """Run `work(i)` in `count` threads that start together; each result is what it returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # the test looks at every outcome, errors included
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def submitted_applications(program, household, caseworker, count: int) -> list[int]:
    """`count` submitted applications of 4,000 each (30,000 out of pocket, the first band)."""
    pks = []
    for _ in range(count):
        application = apply(program, household, caseworker, disease=program.diseases.first(),
                            out_of_pocket_cost=Decimal("30000"))  # fmt: skip
        pks.append(application_submit(application=application, by=caseworker).pk)
    return pks


@pytest.fixture
def ten_grants_program(tree, tiers):
    """A county budget of 40,000: exactly ten grants of 4,000."""
    return make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS, budget="40000")


def test_twenty_approvals_against_a_budget_for_ten_approve_exactly_ten(
    ten_grants_program, active_file, caseworker, approver
):
    budget = Budget.objects.get(program=ten_grants_program)
    pks = submitted_applications(ten_grants_program, active_file.household, caseworker, 20)
    used_after_each_approval = []

    def approve(i):
        application, by = AidApplication.objects.get(pk=pks[i]), User.objects.get(pk=approver.pk)
        outcome = application_approve(application=application, by=by)
        used_after_each_approval.append(budget_used(Budget.objects.get(pk=budget.pk)))
        return outcome

    results = race(approve, 20)

    unexpected = [result for result in results if not (isinstance(result, BudgetExceeded) or result.done)]
    assert unexpected == []
    assert sum(1 for result in results if isinstance(result, BudgetExceeded)) == 10
    assert sum(1 for result in results if not isinstance(result, Exception) and result.done) == 10
    assert AidApplication.objects.filter(status=S.APPROVED).count() == 10
    assert AidApplication.objects.filter(status=S.SUBMITTED, approved_amount__isnull=True).count() == 10
    assert ApplicationEvent.objects.filter(action="approve").count() == 10
    assert budget_used(budget) == budget.amount == Decimal("40000.00")
    assert Budget.objects.with_usage().get(pk=budget.pk).remaining == Decimal("0.00")
    assert len(used_after_each_approval) == 10
    assert max(used_after_each_approval) <= budget.amount


def test_five_approvals_of_the_same_application_approve_it_once(illness_program, active_file, caseworker, approver):
    budget = Budget.objects.get(program=illness_program)
    [pk] = submitted_applications(illness_program, active_file.household, caseworker, 1)

    def approve(_i):
        application, by = AidApplication.objects.get(pk=pk), User.objects.get(pk=approver.pk)
        return application_approve(application=application, by=by)

    results = race(approve, 5)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert sorted(result.done for result in results) == [False, False, False, False, True]
    assert ApplicationEvent.objects.filter(application_id=pk, action="approve").count() == 1
    assert AidApplication.objects.get(pk=pk).history.filter(status=S.APPROVED).count() == 1
    assert budget_used(budget) == Decimal("4000.00")


def test_five_payments_of_the_same_application_pay_it_once(illness_program, active_file, caseworker, approver):
    [pk] = submitted_applications(illness_program, active_file.household, caseworker, 1)
    application_approve(application=AidApplication.objects.get(pk=pk), by=approver)

    def pay(_i):
        application, by = AidApplication.objects.get(pk=pk), User.objects.get(pk=approver.pk)
        return disbursement_record(application=application, by=by, paid_on=timezone.localdate(), method="bank_transfer")

    results = race(pay, 5)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert sorted(result.done for result in results) == [False, False, False, False, True]
    assert Disbursement.objects.filter(application_id=pk).count() == 1
    assert ApplicationEvent.objects.filter(application_id=pk, action="disburse").count() == 1


def test_two_approvers_generating_the_holiday_batch_at_once_make_one_application_per_file(
    tree, tiers, standard, caseworker, approver, second_approver
):
    holiday = make_program(tree["county"], ProgramKind.HOLIDAY)
    for union in ("street_a", "street_b"):
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
    approvers = [approver.pk, second_approver.pk]

    def generate(i):
        return holiday_batch_generate(program=holiday, by=User.objects.get(pk=approvers[i]))

    results = race(generate, 2)

    assert sum(1 for result in results if isinstance(result, ApplicationBatch)) == 1
    assert sum(1 for result in results if type(result) is DomainError) == 1  # "already has a holiday visit"
    assert AidApplication.objects.count() == 2
    assert AidApplication.objects.values("household").distinct().count() == 2


def test_two_approvals_for_one_household_at_once_keep_its_yearly_cap(tree, tiers, household, caseworker, approver):
    """Temporary relief caps a household at 10,000 a year: of two 8,000 grants approved at once, one must wait, then
    find the cap reached. The budget (plenty) would not stop the second; the household's row lock does."""
    relief = make_program(tree["county"], ProgramKind.TEMPORARY, parameters={"yearly_cap": "10000"})
    pks = []
    for _ in range(2):
        application = apply(relief, household, caseworker, requested_amount=Decimal("8000"))
        pks.append(application_submit(application=application, by=caseworker).pk)

    def approve(i):
        return application_approve(application=AidApplication.objects.get(pk=pks[i]), by=approver)

    results = race(approve, 2)
    assert sum(1 for result in results if isinstance(result, DomainError)) == 1, results
    assert AidApplication.objects.filter(pk__in=pks, status=S.APPROVED).count() == 1


def test_a_countys_and_a_citys_holiday_batch_generated_at_once_give_each_household_one_visit(
    tree, tiers, standard, caseworker, approver, city_approver, outsider, outsider_approver, monkeypatch
):
    """Nine new households, six of 余姚 and three of 慈溪: the county's and the city's programs take turns, so each
    household gets one holiday visit, and every batch made can be approved (all or nothing)."""
    read_candidates = money.holiday_candidates

    def slow_candidates(program, organization):  # both runs would read the same free households without the lock
        candidates = list(read_candidates(program, organization))
        time.sleep(0.5)
        return candidates

    monkeypatch.setattr(money, "holiday_candidates", slow_candidates)
    county_program = make_program(tree["county"], ProgramKind.HOLIDAY)
    city_program = make_program(tree["city"], ProgramKind.HOLIDAY)
    for union in ("street_a", "street_a", "street_a", "street_b", "street_b", "street_b"):
        make_active_file(make_household(tree[union], caseworker), caseworker, approver)
    for _ in range(3):
        make_active_file(make_household(tree["sibling_street"], outsider), outsider, outsider_approver)
    runs = [(county_program.pk, approver.pk), (city_program.pk, city_approver.pk)]

    def generate(i):
        program, by = Program.objects.get(pk=runs[i][0]), User.objects.get(pk=runs[i][1])
        return holiday_batch_generate(program=program, by=by)

    results = race(generate, 2)

    batches = [result for result in results if isinstance(result, ApplicationBatch)]
    nothing_left = [result for result in results if type(result) is DomainError]
    assert len(batches) + len(nothing_left) == 2 and batches, results
    assert AidApplication.objects.count() == 9
    assert AidApplication.objects.values("household").distinct().count() == 9
    for batch in batches:
        assert holiday_batch_approve(batch=batch, by=batch.created_by) == batch.applications.count()
    assert AidApplication.objects.filter(status=S.APPROVED).count() == 9
