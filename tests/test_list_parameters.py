"""Every list's query-string parameters, fed junk: the page answers (filter ignored or a form error), never a 500."""

import django_filters
import pytest
from django import forms
from django.contrib.auth.models import Group

from accounts.querystring import IDS, YEARS, query_number
from accounts.roles import Role
from cases.filters import HouseholdFilter
from cases.models import Household
from programs.forms import ApplicationFilterForm
from tests.factories import UserFactory

JUNK = [
    "-1",
    "0",
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 5000,
    "²",
    "１２",
    "1e3",
    "2024.5",
    "NaN",
    "abc",
    "2024\x00",
    " ",
]


def typed_filters(filterset):
    """The filters whose value is not free text: numbers, years, dates, choices, ids, booleans."""
    return [name for name, spec in filterset.base_filters.items() if spec.field_class is not forms.CharField]


def typed_fields(form):
    return [name for name, field in form.base_fields.items() if type(field) is not forms.CharField]


# Each list page and the parameters it reads: its filterset's or filter form's, and those its view reads by hand.
LISTS = {
    "/households/": [*typed_filters(HouseholdFilter), "page"],
    "/work/": ["page"],
    "/inbox/": ["page"],
    "/programs/": ["year", "page"],
    "/aid/": [*typed_fields(ApplicationFilterForm), "page"],
    "/aid/inbox/": [*typed_fields(ApplicationFilterForm), "page"],
    "/assessment/": ["org", "year", "recommendation", "page"],
    "/dashboard/": ["org", "year"],
}
CASES = [(url, parameter) for url, parameters in LISTS.items() for parameter in parameters]


@pytest.fixture
def everyone(tree):
    """One user with every role, so that every list opens to them."""
    user = UserFactory(username="everyone", organization=tree["county"], role=Role.CASEWORKER)
    user.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in Role))
    return user


def test_every_filterset_is_walked():
    assert django_filters.FilterSet.__subclasses__() == [HouseholdFilter]
    assert {"year", "activated_year", "closed_year", "union", "contact", "cause"} <= set(LISTS["/households/"])
    assert "paid_year" in LISTS["/aid/"]


@pytest.mark.parametrize(("url", "parameter"), CASES, ids=[f"{url}?{parameter}" for url, parameter in CASES])
def test_junk_in_a_list_parameter_never_raises(client, everyone, household, url, parameter):
    client.raise_request_exception = False
    client.force_login(everyone)
    # ?org= names a union: one that is not an id of the user's scope is a 404, like any union outside it.
    expected = 404 if parameter == "org" else 200
    answers = {junk[:24]: client.get(url, {parameter: junk}).status_code for junk in JUNK}
    assert answers == dict.fromkeys(answers, expected)


@pytest.mark.parametrize("junk", ["-1", "99999999999999999999", "2024.5", "²"])
@pytest.mark.parametrize("parameter", ["activated_year", "closed_year", "year"])
def test_a_drill_down_year_out_of_range_is_ignored_with_an_error(client, everyone, household, parameter, junk):
    client.force_login(everyone)
    response = client.get("/households/", {parameter: junk})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == list(Household.objects.filter(pk=household.pk))
    assert response.context["filter"].form.errors[parameter]


def test_a_year_in_range_still_filters(client, everyone, household):
    client.force_login(everyone)
    assert client.get("/households/", {"closed_year": "2020"}).context["page"].paginator.count == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", 2024),
        ("1899", None),
        ("2101", None),
        ("²", None),
        ("１２", None),
        ("-1", None),
        ("", None),
        (None, None),
    ],
)
def test_a_query_year_is_plain_ascii_digits_in_range(value, expected):
    assert query_number(value, allowed=YEARS) == expected


def test_a_query_id_beyond_a_big_integer_is_absent():
    assert query_number(str(2**63), allowed=IDS) is None
    assert query_number(str(2**63 - 1), allowed=IDS) == 2**63 - 1


def test_junk_in_the_program_of_a_new_application_shows_the_choice_of_programs(client, caseworker, household):
    client.raise_request_exception = False
    client.force_login(caseworker)
    url = f"/households/{household.pk}/aid/new/"
    assert {junk[:24]: client.get(url, {"program": junk}).status_code for junk in JUNK} == dict.fromkeys(
        (junk[:24] for junk in JUNK), 200
    )
