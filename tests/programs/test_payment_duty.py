"""Recording a payment (发放) is an approver's duty, apart from applying: never the person who made or submitted the
application, and never a caseworker."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.errors import SeparationOfDuties, TransitionNotAllowed
from programs.models import AidApplication, Disbursement
from programs.services.applications import application_submit
from programs.services.money import application_approve, disbursement_record, holiday_batch_approve
from programs.services.money import holiday_batch_generate as generate
from tests.factories import UserFactory
from tests.programs.factories import make_program
from tests.programs.helpers import apply


@pytest.fixture
def both(tree):
    """An approver of the county who also works as a caseworker, as in a small union."""
    user = UserFactory(username="both", organization=tree["county"], role=Role.APPROVER)
    user.groups.add(Group.objects.get(name=Role.CASEWORKER))
    return user


def approved_by(program, household, maker, submitter, approver):
    application = apply(program, household, maker, disease=program.diseases.first(),
                        out_of_pocket_cost=Decimal("30000"))  # fmt: skip
    application_submit(application=application, by=submitter)
    return application_approve(application=application, by=approver).application


@pytest.fixture
def approved(illness_program, active_file, caseworker, approver):
    return approved_by(illness_program, active_file.household, caseworker, caseworker, approver)


def pay(application, by):
    return disbursement_record(application=application, by=by, paid_on=timezone.localdate(), method="bank_transfer")


def assert_unpaid(application):
    assert AidApplication.objects.get(pk=application.pk).status == S.APPROVED
    assert not Disbursement.objects.filter(application=application).exists()


class TestService:
    def test_the_caseworker_who_made_it_cannot_record_its_payment(self, approved, caseworker):
        with pytest.raises(TransitionNotAllowed):
            pay(approved, caseworker)
        assert_unpaid(approved)

    def test_no_caseworker_can(self, approved, tree):
        colleague = UserFactory(username="colleague", organization=tree["county"], role=Role.CASEWORKER)
        with pytest.raises(TransitionNotAllowed):
            pay(approved, colleague)
        assert_unpaid(approved)

    def test_an_approver_who_made_it_cannot(self, illness_program, active_file, both, approver):
        application = approved_by(illness_program, active_file.household, both, both, approver)
        with pytest.raises(SeparationOfDuties):
            pay(application, both)
        assert_unpaid(application)

    def test_an_approver_who_only_submitted_it_cannot(self, illness_program, active_file, caseworker, both, approver):
        application = approved_by(illness_program, active_file.household, caseworker, both, approver)
        with pytest.raises(SeparationOfDuties):
            pay(application, both)
        assert_unpaid(application)

    def test_the_approver_who_generated_a_holiday_batch_cannot_pay_it(self, tree, tiers, active_file, approver,
                                                                      second_approver):  # fmt: skip
        batch = generate(program=make_program(tree["county"], ProgramKind.HOLIDAY), by=approver)
        holiday_batch_approve(batch=batch, by=approver)
        application = batch.applications.get()
        with pytest.raises(SeparationOfDuties):
            pay(application, approver)
        assert_unpaid(application)
        assert pay(application, second_approver).done

    def test_an_approver_who_had_no_hand_in_it_records_it(self, approved, approver):
        assert pay(approved, approver).done
        assert Disbursement.objects.get(application=approved).recorded_by == approver

    def test_an_approver_above_records_it_too(self, approved, city_approver):
        assert pay(approved, city_approver).done

    def test_a_leader_cannot(self, approved, leader):
        with pytest.raises(TransitionNotAllowed):
            pay(approved, leader)
        assert_unpaid(approved)


class TestPage:
    PAYMENT = {"paid_on": timezone.localdate().isoformat(), "method": "bank_transfer", "amount": "4000",
               "reference": "农行代发"}  # fmt: skip

    def test_the_caseworker_sees_no_pay_button_and_gets_404(self, client, approved, caseworker):
        client.force_login(caseworker)
        url = f"/aid/{approved.pk}/pay/"
        assert url not in client.get(approved.get_absolute_url()).content.decode()
        assert client.get(url).status_code == 404
        assert client.post(url, self.PAYMENT).status_code == 404
        assert_unpaid(approved)

    def test_the_approver_who_submitted_it_sees_no_pay_button(self, client, illness_program, active_file, caseworker,
                                                              both, approver):  # fmt: skip
        application = approved_by(illness_program, active_file.household, caseworker, both, approver)
        client.force_login(both)
        url = f"/aid/{application.pk}/pay/"
        assert url not in client.get(application.get_absolute_url()).content.decode()
        assert client.post(url, self.PAYMENT).status_code == 404
        assert_unpaid(application)

    def test_the_approver_sees_the_button_and_records_it(self, client, approved, approver):
        client.force_login(approver)
        url = f"/aid/{approved.pk}/pay/"
        assert url in client.get(approved.get_absolute_url()).content.decode()
        assert client.post(url, self.PAYMENT).status_code == 302
        assert Disbursement.objects.get(application=approved).recorded_by == approver

    def test_an_outsider_approver_gets_404(self, client, approved, outsider_approver):
        client.force_login(outsider_approver)
        assert client.get(f"/aid/{approved.pk}/pay/").status_code == 404
        assert client.post(f"/aid/{approved.pk}/pay/", self.PAYMENT).status_code == 404
