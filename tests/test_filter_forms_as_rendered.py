"""Every filter form of every page, submitted as a browser submits it with every field at its default, gives back
the page without filters: no select starts at a value that filters (a first choice such as 无劳动能力).

The pages are those of tests/test_role_gates.py, so a new page, and any filter form on it, is walked without being
listed here."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from accounts.forms import FilterForm
from accounts.roles import Role
from tests import test_role_gates
from tests.browser_form import rendered_forms, submitted_data
from tests.cases.factories import make_household, member_values
from tests.factories import UserFactory
from tests.test_role_gates import READ_PAGES, url_of

# The filter forms known today: the walk must find at least these.
KNOWN = {
    ("/households/", "household-filters"),
    ("/aid/", "application-filters"),
    ("/aid/inbox/", "application-filters"),
    ("/assessment/", "recommendation-filter"),
    ("/assessment/", "assessment-year"),
    ("/programs/", "program-year"),
    ("/dashboard/", "dashboard-year"),
    ("/search/", "quick-search"),
}

case = test_role_gates.case  # the fixture: one household through every workflow, with everything a page can show


@pytest.fixture
def everyone(tree):
    user = UserFactory(username="everyone", organization=tree["county"], role=Role.CASEWORKER)
    user.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in Role))
    return user


def what_is_listed(response) -> dict:
    """What a list page shows, as far as filters can change it."""
    context = response.context
    shown = {"path": response.request["PATH_INFO"]}
    if "page" in context:
        shown["count"] = context["page"].paginator.count
        shown["rows"] = [row.pk for row in context["page"].object_list]
    for name in ("year", "union"):
        if name in context:
            shown[name] = context[name]
    assert len(shown) > 1, f"{shown['path']}: a page with a filter form that lists nothing this test can compare"
    return shown


def test_every_filter_form_submitted_as_rendered_lists_what_the_bare_page_lists(client, case, everyone, caseworker):
    # Households without a file and with another cause: a select stuck at any one value would leave some out.
    make_household(case.household.organization, caseworker, members=[member_values(name="周一鸣")])
    client.force_login(everyone)
    walked = set()
    for name in sorted(READ_PAGES):
        page_url = url_of(name, case)
        response = client.get(page_url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for form in rendered_forms(response.content.decode()):
            if form.method != "get":
                continue
            target = form.action or page_url
            bare = client.get(urlsplit(target).path, follow=True)
            submitted = client.get(target, submitted_data(form), follow=True)
            assert submitted.status_code == bare.status_code == 200, (page_url, form.testid)
            assert what_is_listed(submitted) == what_is_listed(bare), (page_url, form.testid, submitted_data(form))
            walked.add((urlsplit(target).path, form.testid))
    assert KNOWN <= walked


def test_the_households_list_as_rendered_finds_a_household_of_any_cause(client, case, everyone):
    """The report: the household filter sent 主要致困原因 = 无劳动能力, and a search for a name found nothing."""
    client.force_login(everyone)
    form = next(form for form in rendered_forms(client.get("/households/").content.decode())
                if form.testid == "household-filters")  # fmt: skip
    data = submitted_data(form)
    assert data["cause"] == [""]
    head = case.household.members.get(relation="head")
    data["q"] = [head.name]
    response = client.get("/households/", data)
    assert case.household in response.context["page"].object_list


def test_every_optional_select_of_a_filter_form_starts_empty_with_a_label(rf, everyone, settings):
    from assessment.forms import AssessmentFilterForm
    from cases.filters import HouseholdFilter
    from cases.models import Household
    from programs.forms import ApplicationFilterForm

    forms = [
        HouseholdFilter({}, queryset=Household.objects.none(), user=everyone).form,
        ApplicationFilterForm({}, user=everyone),
        AssessmentFilterForm({}, years=[2026, 2025]),
    ]
    assert {type(form) for form in forms} <= {cls for cls in [FilterForm, *all_subclasses(FilterForm)]}
    for form in forms:
        for field_name, field in form.fields.items():
            if not hasattr(field, "choices") or field.initial is not None:
                continue
            first_value, first_label = next(iter(field.choices))
            assert first_value == "" and str(first_label).strip("-"), (type(form).__name__, field_name)


def all_subclasses(cls):
    return {sub for direct in cls.__subclasses__() for sub in (direct, *all_subclasses(direct))}
