"""Simultaneous clicks on one step, through the pages as a browser sends them: one takes the step, every other says it
was already done and redirects, none gets a 404 or a 500 (the view never reads the status before the lock).

Each thread is a request on its own connection; only PostgreSQL has the row locks that make them wait."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from cases.choices import FileStatus
from cases.models import FileEvent, HardshipFile
from cases.services.files import file_transition
from programs.choices import ApplicationStatus as S
from programs.models import AidApplication, ApplicationEvent
from programs.services.applications import application_submit
from tests.cases.factories import make_file
from tests.programs.helpers import apply
from tests.programs.test_concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ALREADY_DONE = "已完成，未作任何更改"


def clients_of(user, count: int) -> list[Client]:
    clients = [Client(raise_request_exception=False) for _ in range(count)]
    for client in clients:
        client.force_login(user)
    return clients


def post_at_once(clients, url, data) -> list:
    def post(i):
        response = clients[i].post(url, data)
        return response.status_code, response.get("Location"), [str(m) for m in get_messages(response.wsgi_request)]

    return race(post, len(clients))


def assert_one_done_the_others_told(results, location, count):
    assert [result for result in results if isinstance(result, Exception)] == []
    assert sorted(status for status, _location, _messages in results) == [302] * count, results
    assert {target for _status, target, _messages in results} == {location}
    told = [messages for _status, _location, messages in results if any(ALREADY_DONE in m for m in messages)]
    assert len(told) == count - 1, results


def test_ten_simultaneous_approve_filing_clicks_approve_once(household, caseworker, approver):
    file = make_file(household, caseworker)
    file = file_transition(file=file, action="first_review", by=caseworker)
    file = file_transition(file=file, action="home_check", by=caseworker, authorization_signed=True,
                           today=date(2026, 3, 2))  # fmt: skip
    file = file_transition(file=file, action="start_notice", by=caseworker, notice_start=date(2026, 3, 2),
                           notice_end=date(2026, 3, 6), today=date(2026, 3, 2))  # fmt: skip
    results = post_at_once(clients_of(approver, 10), f"/files/{file.pk}/do/approve/", {"comment": ""})

    assert_one_done_the_others_told(results, household.get_absolute_url(), 10)
    assert HardshipFile.objects.get(pk=file.pk).status == FileStatus.ACTIVE
    assert FileEvent.objects.filter(file=file, action="approve").count() == 1


def test_twenty_simultaneous_submit_clicks_submit_once(illness_program, active_file, caseworker):
    application = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                        out_of_pocket_cost=Decimal("30000"))  # fmt: skip
    results = post_at_once(clients_of(caseworker, 20), f"/aid/{application.pk}/do/submit/", {"comment": ""})

    assert_one_done_the_others_told(results, application.get_absolute_url(), 20)
    assert AidApplication.objects.get(pk=application.pk).status == S.SUBMITTED
    assert ApplicationEvent.objects.filter(application=application, action="submit").count() == 1


def test_ten_simultaneous_return_clicks_return_once(illness_program, active_file, caseworker, approver):
    application = apply(illness_program, active_file.household, caseworker, disease=illness_program.diseases.first(),
                        out_of_pocket_cost=Decimal("30000"))  # fmt: skip
    application_submit(application=application, by=caseworker)
    results = post_at_once(clients_of(approver, 10), f"/aid/{application.pk}/do/return/", {"comment": "补发票"})

    assert_one_done_the_others_told(results, application.get_absolute_url(), 10)
    assert AidApplication.objects.get(pk=application.pk).status == S.RETURNED
    assert ApplicationEvent.objects.filter(application=application, action="return").count() == 1
