"""A payment is dated between its approval and today; a recorded payment is reversed (冲正), never edited: a reversal
row and an event, the money back on the budget line, and the dashboard, annual summary and ledger agree."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.errors import DomainError
from assessment.models import AnnualSummary
from assessment.summaries import summaries_compute
from programs.choices import ApplicationStatus as S
from programs.errors import SeparationOfDuties, TransitionNotAllowed
from programs.models import AidApplication, Budget, Disbursement, PaymentReversal
from programs.services.applications import application_submit
from programs.services.money import application_approve, disbursement_record, disbursement_reverse
from reports.dashboard import union_figures
from reports.ledgers import LedgerScope, disbursements
from tests.field_errors import error_at, value_in
from tests.programs.helpers import apply


@pytest.fixture
def approved(illness_program, active_file, caseworker, approver):
    application = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                        out_of_pocket_cost=Decimal("30000"))  # fmt: skip
    application_submit(application=application, by=caseworker)
    return application_approve(application=application, by=approver).application


@pytest.fixture
def paid(approved, approver):
    disbursement_record(application=approved, by=approver, paid_on=timezone.localdate(), method="bank_transfer")
    return AidApplication.objects.get(pk=approved.pk)


def pay(application, by, paid_on):
    return disbursement_record(application=application, by=by, paid_on=paid_on, method="bank_transfer")


class TestPaymentDate:
    def test_it_refuses_a_payment_dated_before_the_approval(self, approved, approver):
        for day in (timezone.localdate() - timedelta(days=1), timezone.localdate().replace(year=2019)):
            with pytest.raises(DomainError) as error:
                pay(approved, approver, day)
            assert error.value.field == "paid_on"
        assert not Disbursement.objects.exists()
        assert AidApplication.objects.get(pk=approved.pk).status == S.APPROVED

    def test_it_refuses_a_payment_dated_in_the_future(self, approved, approver):
        with pytest.raises(DomainError) as error:
            pay(approved, approver, timezone.localdate() + timedelta(days=1))
        assert error.value.field == "paid_on" and not Disbursement.objects.exists()

    def test_it_records_a_payment_on_the_day_of_approval(self, approved, approver):
        assert pay(approved, approver, timezone.localdate()).done

    def test_the_form_shows_a_date_before_the_approval_at_the_field(self, client, approved, approver):
        client.force_login(approver)
        data = {"paid_on": "2019-03-01", "method": "bank_transfer", "amount": "4000", "reference": "农行代发"}
        response = client.post(f"/aid/{approved.pk}/pay/", data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "发放日期不能早于批准日期" in error_at(html, "paid_on")
        assert value_in(html, "paid_on") == "2019-03-01"
        assert value_in(html, "reference") == "农行代发"
        assert not Disbursement.objects.exists()


class TestReversal:
    def test_another_approver_reverses_with_a_reason_and_nothing_is_edited(self, paid, second_approver):
        payment = Disbursement.objects.get(application=paid)
        outcome = disbursement_reverse(application=paid, by=second_approver, reason="银行退票：账号错误")
        assert outcome.done and outcome.application.status == S.REVERSED
        reversal = PaymentReversal.objects.get(disbursement=payment)
        assert (reversal.reason, reversal.reversed_by) == ("银行退票：账号错误", second_approver)
        event = paid.events.order_by("-id").first()
        assert (event.action, event.from_status, event.to_status, event.amount) == (
            "reverse_payment", S.DISBURSED, S.REVERSED, payment.amount,
        )  # fmt: skip
        again = Disbursement.objects.get(pk=payment.pk)
        assert (again.amount, again.paid_on, again.snapshot) == (payment.amount, payment.paid_on, payment.snapshot)

    def test_a_second_reversal_changes_nothing(self, paid, second_approver):
        disbursement_reverse(application=paid, by=second_approver, reason="退票")
        assert not disbursement_reverse(application=paid, by=second_approver, reason="退票").done
        assert PaymentReversal.objects.count() == 1

    def test_the_approver_who_recorded_the_payment_cannot_reverse_it(self, paid, approver):
        with pytest.raises(SeparationOfDuties):
            disbursement_reverse(application=paid, by=approver, reason="退票")
        assert AidApplication.objects.get(pk=paid.pk).status == S.DISBURSED

    def test_a_caseworker_or_an_outsider_cannot_reverse(self, paid, caseworker, outsider_approver):
        for user in (caseworker, outsider_approver):
            with pytest.raises(TransitionNotAllowed):
                disbursement_reverse(application=paid, by=user, reason="退票")
        assert not PaymentReversal.objects.exists()

    def test_a_reason_is_needed(self, paid, second_approver):
        with pytest.raises(DomainError):
            disbursement_reverse(application=paid, by=second_approver, reason="  ")
        assert not PaymentReversal.objects.exists()

    def test_only_a_payment_can_be_reversed(self, approved, second_approver):
        with pytest.raises(TransitionNotAllowed):
            disbursement_reverse(application=approved, by=second_approver, reason="退票")

    def test_the_money_returns_to_the_budget_line(self, paid, second_approver):
        line = Budget.objects.with_usage().get(pk=paid.budget_id)
        assert line.paid == paid.disbursement.amount
        disbursement_reverse(application=paid, by=second_approver, reason="退票")
        line = Budget.objects.with_usage().get(pk=paid.budget_id)
        assert (line.paid, line.committed) == (0, 0)

    def test_dashboard_annual_summary_and_ledger_agree_after_a_reversal(self, paid, second_approver, tree, approved):
        county, year = tree["county"], timezone.localdate().year

        def figures():
            dashboard = union_figures(county, year, timezone.localdate())[0]
            summaries_compute(organization=county, year=year)
            summary = AnnualSummary.objects.get(organization=county, year=year)
            ledger = list(disbursements(LedgerScope(county, year)))
            return dashboard.money_total, summary.money_total, sum(p.amount for p in ledger), len(ledger)

        amount = paid.disbursement.amount
        assert figures() == (amount, amount, amount, 1)
        disbursement_reverse(application=paid, by=second_approver, reason="银行退票")
        assert figures() == (0, 0, 0, 0)


class TestReversalPage:
    def url(self, application):
        return f"/aid/{application.pk}/do/reverse_payment/"

    def test_another_approver_reverses_through_the_page(self, client, paid, second_approver):
        client.force_login(second_approver)
        assert client.get(self.url(paid)).status_code == 200
        response = client.post(self.url(paid), {"comment": "银行退票"})
        assert response.status_code == 302
        assert AidApplication.objects.get(pk=paid.pk).status == S.REVERSED

    def test_a_reason_is_asked_for_at_the_field(self, client, paid, second_approver):
        client.force_login(second_approver)
        response = client.post(self.url(paid), {"comment": ""})
        assert response.status_code == 200
        assert AidApplication.objects.get(pk=paid.pk).status == S.DISBURSED

    def test_the_recorder_a_caseworker_and_an_outsider_cannot(self, client, paid, approver, caseworker, outsider):
        for user, statuses in ((approver, {404}), (caseworker, {403, 404}), (outsider, {403, 404})):
            client.force_login(user)
            assert client.get(self.url(paid)).status_code in statuses
            client.post(self.url(paid), {"comment": "退票"})
        assert AidApplication.objects.get(pk=paid.pk).status == S.DISBURSED
        assert not PaymentReversal.objects.exists()
