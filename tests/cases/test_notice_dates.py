"""A public notice starts on or after the home check and not earlier than the day it is recorded less the local grace
days; it lasts the local working days of the real calendar (DOMAIN.md "Working days"), which give its end."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.errors import DomainError
from cases.choices import FileStatus
from cases.models import HardshipFile
from cases.services.files import file_transition
from cases.workdays import is_working_day, nth_working_day
from tests.cases.factories import make_file
from tests.field_errors import error_at, value_in


def test_the_domain_example_reaches_its_fifth_working_day_after_the_spring_festival():
    # 12, 13, 14 (make-up Saturday), 24, 25 February 2026.
    assert nth_working_day(date(2026, 2, 12), 5) == date(2026, 2, 25)


def test_holidays_and_make_up_days_of_each_year_count_as_the_state_council_says():
    assert not is_working_day(date(2024, 10, 1)) and is_working_day(date(2024, 9, 29))  # a Sunday made working
    assert not is_working_day(date(2025, 2, 3)) and is_working_day(date(2025, 2, 8))
    assert not is_working_day(date(2026, 5, 5)) and is_working_day(date(2026, 5, 9))
    assert is_working_day(date(2026, 3, 2)) and not is_working_day(date(2026, 3, 7))


def checked_on(household, caseworker, day):
    file = make_file(household, caseworker, today=day)
    file = file_transition(file=file, action="first_review", by=caseworker, today=day)
    return file_transition(file=file, action="home_check", by=caseworker, authorization_signed=True, today=day)


def notice(file, by, start, end=None, today=None):
    return file_transition(
        file=file, action="start_notice", by=by, notice_start=start, notice_end=end, today=today or start
    )


def test_it_refuses_a_notice_that_starts_before_the_home_check(household, caseworker):
    file = checked_on(household, caseworker, date(2026, 3, 4))
    with pytest.raises(DomainError) as error:
        notice(file, caseworker, date(2026, 3, 3), today=date(2026, 3, 4))
    assert error.value.field == "notice_start" and "2026-03-04" in error.value.message
    assert HardshipFile.objects.get(pk=file.pk).status == FileStatus.HOME_CHECKED


def test_it_refuses_a_notice_backdated_beyond_the_grace_days(household, caseworker, standard):
    file = checked_on(household, caseworker, date(2026, 3, 2))
    with pytest.raises(DomainError) as error:
        notice(file, caseworker, date(2026, 3, 2), today=date(2026, 3, 6))  # four days back, three allowed
    assert error.value.field == "notice_start"
    assert notice(file, caseworker, date(2026, 3, 3), today=date(2026, 3, 6)).status == FileStatus.NOTICE


def test_the_grace_days_are_local_data(household, caseworker, standard):
    standard.notice_grace_days = 0
    standard.save()
    file = checked_on(household, caseworker, date(2026, 3, 2))
    with pytest.raises(DomainError):
        notice(file, caseworker, date(2026, 3, 2), today=date(2026, 3, 3))


def test_the_end_follows_from_the_working_days_when_none_is_given(household, caseworker):
    file = checked_on(household, caseworker, date(2026, 2, 12))
    file = notice(file, caseworker, date(2026, 2, 12))
    assert (file.notice_start, file.notice_end) == (date(2026, 2, 12), date(2026, 2, 25))


def test_an_end_before_the_fifth_working_day_of_the_real_calendar_is_refused(household, caseworker):
    file = checked_on(household, caseworker, date(2026, 2, 12))
    with pytest.raises(DomainError) as error:
        notice(file, caseworker, date(2026, 2, 12), end=date(2026, 2, 18))
    assert error.value.field == "notice_end" and "2026-02-25" in error.value.message


def test_a_file_cannot_be_approved_a_minute_after_it_was_applied_for(household, caseworker, approver):
    today = date(2026, 3, 10)
    file = checked_on(household, caseworker, today - timedelta(days=10))
    with pytest.raises(DomainError):
        notice(file, caseworker, today - timedelta(days=20), end=today - timedelta(days=1), today=today)
    file = notice(file, caseworker, today - timedelta(days=3), today=today)  # the most the grace allows
    with pytest.raises(DomainError):
        file_transition(file=file, action="approve", by=approver, today=today)
    assert HardshipFile.objects.get(pk=file.pk).status == FileStatus.NOTICE


def test_the_page_shows_a_notice_before_the_home_check_at_the_field(client, household, caseworker):
    today = timezone.localdate()
    file = checked_on(household, caseworker, today)
    client.force_login(caseworker)
    typed = (today - timedelta(days=1)).isoformat()
    response = client.post(
        f"/files/{file.pk}/do/start_notice/", {"notice_start": typed, "notice_end": "", "comment": "张贴于社区公告栏"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "入户核查" in error_at(html, "notice_start")
    assert value_in(html, "notice_start") == typed
    assert "张贴于社区公告栏" in html
    assert HardshipFile.objects.get(pk=file.pk).status == FileStatus.HOME_CHECKED
    assert not file.events.filter(action="start_notice").exists()
