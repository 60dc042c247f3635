"""Every file step posted twice (a double click, a retried request): the second finds it taken, says so and changes
nothing. The status is read under the service's lock, never by the view first, so the answer is never a 404."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from cases.choices import FileStatus
from cases.models import FileEvent, HardshipFile
from cases.services.files import TRANSITIONS, file_transition
from tests.cases.factories import make_active_file, make_file

ALREADY_DONE = "已完成，未作任何更改"
NOTICE = EXIT_NOTICE = {"notice_start": timezone.localdate().isoformat(), "notice_end": ""}
REASON = {"comment": "理由"}
NO_COMMENT = {"comment": ""}  # a browser always posts something (the CSRF token at least)


def _file_in(status, household, caseworker, approver):
    if status == FileStatus.APPLIED:
        return make_file(household, caseworker)
    if status in (FileStatus.FIRST_REVIEWED, FileStatus.HOME_CHECKED, FileStatus.NOTICE):
        file = file_transition(file=make_file(household, caseworker), action="first_review", by=caseworker)
        if status == FileStatus.FIRST_REVIEWED:
            return file
        file = file_transition(file=file, action="home_check", by=caseworker, authorization_signed=True,
                               today=date(2026, 3, 2))  # fmt: skip
        if status == FileStatus.HOME_CHECKED:
            return file
        return file_transition(file=file, action="start_notice", by=caseworker, notice_start=date(2026, 3, 2),
                               notice_end=date(2026, 3, 6), today=date(2026, 3, 2))  # fmt: skip
    file = make_active_file(household, caseworker, approver)
    if status == FileStatus.ACTIVE:
        return file
    file = file_transition(file=file, action="propose_exit", by=caseworker, comment="收入连续6个月高于低保")
    if status == FileStatus.EXIT_PROPOSED:
        return file
    return file_transition(file=file, action="start_exit_notice", by=caseworker, notice_start=date(2026, 10, 12),
                           notice_end=date(2026, 10, 16), today=date(2026, 10, 12))  # fmt: skip


# (status before, action, who posts it, what is posted)
STEPS = [
    (FileStatus.APPLIED, "first_review", "caseworker", NO_COMMENT),
    (FileStatus.FIRST_REVIEWED, "home_check", "caseworker", {"authorization_signed": "on"}),
    (FileStatus.HOME_CHECKED, "start_notice", "caseworker", NOTICE),
    (FileStatus.NOTICE, "approve", "approver", NO_COMMENT),
    (FileStatus.APPLIED, "reject", "caseworker", REASON),
    (FileStatus.FIRST_REVIEWED, "return", "caseworker", REASON),
    (FileStatus.ACTIVE, "propose_exit", "caseworker", REASON),
    (FileStatus.ACTIVE, "propose_relief", "caseworker", REASON),
    (FileStatus.EXIT_PROPOSED, "start_exit_notice", "caseworker", EXIT_NOTICE),
    (FileStatus.EXIT_NOTICE, "approve_exit", "approver", NO_COMMENT),
    (FileStatus.EXIT_PROPOSED, "withdraw_exit", "caseworker", NO_COMMENT),
    (FileStatus.ACTIVE, "cancel", "approver", {"cancel_reason": "moved", **REASON}),
]


def test_the_steps_cover_every_action_of_the_table():
    assert {action for _status, action, _who, _data in STEPS} == {action for _status, action in TRANSITIONS}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("status", "action", "who", "data"), STEPS, ids=[step[1] for step in STEPS])
def test_it_answers_a_second_post_with_already_done_and_changes_nothing(
    client, household, caseworker, approver, status, action, who, data
):
    file = _file_in(status, household, caseworker, approver)
    client.force_login({"caseworker": caseworker, "approver": approver}[who])
    url = f"/files/{file.pk}/do/{action}/"

    first = client.post(url, data)
    assert first.status_code == 302, messages_of(first)
    after_first = HardshipFile.objects.get(pk=file.pk)
    assert after_first.status != status
    events, history = FileEvent.objects.count(), after_first.history.count()

    second = client.post(url, data)

    assert second.status_code == 302 and second["Location"] == household.get_absolute_url()
    assert any(ALREADY_DONE in message for message in messages_of(second)), messages_of(second)
    assert HardshipFile.objects.get(pk=file.pk).status == after_first.status
    assert (FileEvent.objects.count(), after_first.history.count()) == (events, history)
    # Opening the step's page again says the same.
    again = client.get(url)
    assert again.status_code == 302 and any(ALREADY_DONE in message for message in messages_of(again))


def test_a_step_that_was_not_the_last_one_is_refused_not_done(client, household, caseworker, approver):
    """Approving a file that was rejected says why it cannot be done: it is no repeat of the last step."""
    file = _file_in(FileStatus.NOTICE, household, caseworker, approver)
    file_transition(file=file, action="reject", by=caseworker, comment="不符合")
    client.force_login(approver)
    response = client.post(f"/files/{file.pk}/do/approve/", NO_COMMENT)
    assert response.status_code == 200
    assert not any(ALREADY_DONE in message for message in messages_of(response))
    assert HardshipFile.objects.get(pk=file.pk).status == FileStatus.REJECTED


def test_a_role_that_may_not_take_the_step_is_refused_even_when_it_was_taken(client, household, caseworker, approver):
    file = _file_in(FileStatus.NOTICE, household, caseworker, approver)
    file_transition(file=file, action="approve", by=approver)
    client.force_login(caseworker)
    response = client.post(f"/files/{file.pk}/do/approve/", NO_COMMENT)
    assert not any(ALREADY_DONE in message for message in messages_of(response))
    assert client.get(f"/files/{file.pk}/do/cancel/").status_code == 404  # cancelling is the approver's


def test_an_outsider_gets_404_on_a_step_taken_or_not(client, active_file, outsider):
    client.force_login(outsider)
    for action in ("approve", "propose_exit"):
        assert client.get(f"/files/{active_file.pk}/do/{action}/").status_code == 404
        assert client.post(f"/files/{active_file.pk}/do/{action}/", REASON).status_code == 404


def test_an_unknown_action_is_a_404(client, active_file, caseworker):
    client.force_login(caseworker)
    assert client.post(f"/files/{active_file.pk}/do/apply/").status_code == 404
