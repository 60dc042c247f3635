"""Every aid step posted twice (a double click, a retried request): the second finds it taken, says so and changes
nothing. The status is read under the service's lock, never by the view first, so the answer is never a 404."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from accounts.roles import Role
from programs.choices import ApplicationStatus as S
from programs.choices import ProgramKind
from programs.models import AidApplication, ApplicationEvent, Disbursement
from programs.services.applications import TRANSITIONS, application_decide, application_submit
from programs.services.money import application_approve, disbursement_record, holiday_batch_generate
from tests.factories import UserFactory
from tests.programs.factories import make_program
from tests.programs.helpers import apply

ALREADY_DONE = "已完成，未作任何更改"
REASON = {"comment": "补充发票原件"}
NO_COMMENT = {"comment": ""}  # a browser always posts something (the CSRF token at least)


def _application_in(status, program, household, caseworker, approver):
    application = apply(program, household, caseworker, disease=program.diseases.first(),
                        out_of_pocket_cost=Decimal("30000"))  # fmt: skip
    if status == S.DRAFT:
        return application
    application_submit(application=application, by=caseworker)
    if status == S.RETURNED:
        application_decide(application=application, action="return", by=approver, comment="补材料")
    if status in (S.APPROVED, S.DISBURSED):
        application_approve(application=application, by=approver)
    if status == S.DISBURSED:
        # Recorded by a colleague: the approver who reverses it did not record it.
        payer = UserFactory(username="payer", organization=approver.organization, role=Role.APPROVER)
        disbursement_record(application=application, by=payer, paid_on=timezone.localdate(), method="cash")
    return application


# (status before, action, who posts it, what is posted, status after)
STEPS = [
    (S.DRAFT, "submit", "caseworker", NO_COMMENT, S.SUBMITTED),
    (S.RETURNED, "resubmit", "caseworker", NO_COMMENT, S.SUBMITTED),
    (S.SUBMITTED, "approve", "approver", {"amount": "4000", "comment": ""}, S.APPROVED),
    (S.SUBMITTED, "reject", "approver", REASON, S.REJECTED),
    (S.SUBMITTED, "return", "approver", REASON, S.RETURNED),
    (S.APPROVED, "cancel", "approver", REASON, S.CANCELLED),
    (S.DISBURSED, "reverse_payment", "approver", REASON, S.REVERSED),
]


def test_the_steps_cover_every_action_of_the_table():
    assert {step[1] for step in STEPS} == {action for _status, action in TRANSITIONS}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_already_done(response, location):
    assert response.status_code == 302 and response["Location"] == location, messages_of(response)
    assert any(ALREADY_DONE in message for message in messages_of(response)), messages_of(response)


@pytest.mark.parametrize(("status", "action", "who", "data", "after"), STEPS, ids=[step[1] for step in STEPS])
def test_it_answers_a_second_post_with_already_done_and_changes_nothing(
    client, illness_program, active_file, caseworker, approver, status, action, who, data, after
):
    application = _application_in(status, illness_program, active_file.household, caseworker, approver)
    client.force_login({"caseworker": caseworker, "approver": approver}[who])
    url = f"/aid/{application.pk}/do/{action}/"

    first = client.post(url, data)
    assert first.status_code == 302, messages_of(first)
    assert AidApplication.objects.get(pk=application.pk).status == after
    events, history = ApplicationEvent.objects.count(), application.history.count()

    assert_already_done(client.post(url, data), application.get_absolute_url())

    assert AidApplication.objects.get(pk=application.pk).status == after
    assert (ApplicationEvent.objects.count(), application.history.count()) == (events, history)
    assert_already_done(client.get(url), application.get_absolute_url())


def test_a_second_payment_is_already_done_and_pays_once(client, illness_program, active_file, caseworker, approver):
    application = _application_in(S.APPROVED, illness_program, active_file.household, caseworker, approver)
    client.force_login(approver)
    url = f"/aid/{application.pk}/pay/"
    payment = {"paid_on": timezone.localdate().isoformat(), "method": "bank_transfer", "amount": "4000",
               "reference": "农行代发"}  # fmt: skip
    assert client.post(url, payment).status_code == 302
    assert_already_done(client.post(url, payment), application.get_absolute_url())
    assert_already_done(client.get(url), application.get_absolute_url())
    assert Disbursement.objects.filter(application=application).count() == 1
    assert ApplicationEvent.objects.filter(application=application, action="disburse").count() == 1


def test_a_second_batch_approval_is_already_done(client, tree, tiers, active_file, approver):
    batch = holiday_batch_generate(program=make_program(tree["county"], ProgramKind.HOLIDAY), by=approver)
    client.force_login(approver)
    url = f"/batches/{batch.pk}/approve/"
    assert client.post(url).status_code == 302
    events = ApplicationEvent.objects.count()
    assert_already_done(client.post(url), f"/batches/{batch.pk}/")
    assert ApplicationEvent.objects.count() == events
    assert AidApplication.objects.get(batch=batch).status == S.APPROVED


def test_a_step_that_was_not_the_last_one_is_refused_not_done(
    client, illness_program, active_file, caseworker, approver
):
    application = _application_in(S.SUBMITTED, illness_program, active_file.household, caseworker, approver)
    application_decide(application=application, action="reject", by=approver, comment="不符合")
    client.force_login(approver)
    response = client.post(f"/aid/{application.pk}/do/return/", REASON)
    assert response.status_code == 200
    assert not any(ALREADY_DONE in message for message in messages_of(response))
    assert AidApplication.objects.get(pk=application.pk).status == S.REJECTED


def test_a_role_that_may_not_take_the_step_is_not_told_it_is_done(
    client, illness_program, active_file, caseworker, approver, leader
):
    application = _application_in(S.APPROVED, illness_program, active_file.household, caseworker, approver)
    client.force_login(leader)
    response = client.post(f"/aid/{application.pk}/do/approve/", {"amount": "4000", "comment": ""})
    assert not any(ALREADY_DONE in message for message in messages_of(response))
    assert client.get(f"/aid/{application.pk}/do/cancel/").status_code == 404
    assert AidApplication.objects.get(pk=application.pk).status == S.APPROVED


def test_an_outsider_gets_404_on_a_step_taken_or_not(client, illness_program, active_file, caseworker, approver,
                                                     outsider):  # fmt: skip
    application = _application_in(S.APPROVED, illness_program, active_file.household, caseworker, approver)
    client.force_login(outsider)
    for action in ("approve", "cancel", "submit"):
        assert client.get(f"/aid/{application.pk}/do/{action}/").status_code == 404
        assert client.post(f"/aid/{application.pk}/do/{action}/", REASON).status_code == 404
