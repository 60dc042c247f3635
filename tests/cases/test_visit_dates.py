"""A visit is not dated in the future, and the next one is due within the local visit interval."""

from datetime import date

import pytest

from accounts.errors import DomainError
from cases.models import Visit
from cases.services.visits import visit_record
from tests.field_errors import error_at, value_in

TODAY = date(2026, 4, 10)


def record(file, by, **extra):
    values = {"visited_on": date(2026, 4, 1), "kind": "routine", "findings": "家中情况稳定", "today": TODAY}
    values.update(extra)
    return visit_record(file=file, by=by, **values)


def test_it_refuses_a_visit_dated_tomorrow(active_file, caseworker):
    with pytest.raises(DomainError) as error:
        record(active_file, caseworker, visited_on=date(2026, 4, 11))
    assert error.value.field == "visited_on"
    assert not Visit.objects.exists()


def test_it_records_a_visit_dated_today(active_file, caseworker):
    assert record(active_file, caseworker, visited_on=TODAY).visited_on == TODAY


def test_it_refuses_a_next_visit_beyond_the_local_interval(active_file, caseworker, standard):
    # The standard's six months from 1 April 2026 end on 1 October 2026.
    with pytest.raises(DomainError) as error:
        record(active_file, caseworker, next_due=date(2026, 10, 2))
    assert error.value.field == "next_due" and "2026-10-01" in error.value.message
    assert not Visit.objects.exists()


def test_it_accepts_the_last_day_of_the_interval(active_file, caseworker):
    assert record(active_file, caseworker, next_due=date(2026, 10, 1)).next_due == date(2026, 10, 1)


def test_a_tighter_local_interval_is_the_limit(active_file, caseworker, standard):
    standard.visit_interval_months = 3
    standard.save()
    with pytest.raises(DomainError):
        record(active_file, caseworker, next_due=date(2026, 7, 2))
    assert record(active_file, caseworker, next_due=date(2026, 7, 1)).next_due == date(2026, 7, 1)


def test_the_form_shows_a_future_visit_date_at_the_field(client, active_file, caseworker):
    client.force_login(caseworker)
    data = {"visited_on": "2099-01-05", "kind": "routine", "findings": "户主已在社区岗位就业"}
    response = client.post(f"/files/{active_file.pk}/visits/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "走访日期不能晚于今天" in error_at(html, "visited_on")
    assert value_in(html, "visited_on") == "2099-01-05"
    assert "户主已在社区岗位就业" in html
    assert not Visit.objects.exists()


def test_the_form_shows_a_late_next_visit_at_the_field(client, active_file, caseworker):
    client.force_login(caseworker)
    data = {"visited_on": "2026-04-01", "kind": "routine", "findings": "回访", "next_due": "2027-04-01"}
    html = client.post(f"/files/{active_file.pk}/visits/new/", data).content.decode()
    assert "2026-10-01" in error_at(html, "next_due")
    assert value_in(html, "next_due") == "2027-04-01"
    assert not Visit.objects.exists()
