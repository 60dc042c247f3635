"""The navigation bar's quick search: an exact ID number or household code opens the household, anything else the
household list searched for it; always within the user's scope."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from cases.models import Household
from tests.browser_form import rendered_forms, submitted_data
from tests.cases.factories import make_household, member_values
from tests.factories import UserFactory

URL = "/search/"


def full_width(text: str) -> str:
    return "".join(chr(ord(character) + 0xFEE0) if character.isascii() and character.isalnum() else character
                   for character in text)  # fmt: skip


@pytest.fixture
def head(household):
    return household.members.get(relation="head")


@pytest.fixture
def sibling_household(tree, outsider, standard):
    return make_household(tree["sibling_street"], outsider, members=[member_values(name="王慈溪")])


def nav_search(client, page, query):
    """The navigation bar's form, as rendered on `page`, submitted with `query` typed in."""
    form = next(form for form in rendered_forms(client.get(page).content.decode()) if form.testid == "quick-search")
    data = submitted_data(form)
    data["q"] = [query]
    return client.get(form.action, data)


def test_it_opens_the_household_of_an_exact_id_number(client, caseworker, household, head):
    client.force_login(caseworker)
    response = nav_search(client, "/", head.id_number)
    assert response.status_code == 302
    assert response["Location"] == household.get_absolute_url()


@pytest.mark.parametrize("typed", ["spaced", "full_width", "lower_x"])
def test_it_opens_the_household_of_an_id_number_however_typed(client, caseworker, tree, standard, typed):
    number = "33028119800517909X"  # a check character X, typed lower-case below
    household = make_household(tree["street_a"], caseworker, members=[member_values(id_number=number)])
    query = {
        "spaced": f" {number[:6]} {number[6:14]} {number[14:]} ",
        "full_width": full_width(number),
        "lower_x": number.lower(),
    }[typed]
    client.force_login(caseworker)
    assert nav_search(client, "/", query)["Location"] == household.get_absolute_url()


def test_it_opens_the_household_of_an_exact_code_in_lower_case(client, caseworker, household):
    client.force_login(caseworker)
    assert nav_search(client, "/households/", f" {household.code.lower()} ")["Location"] == household.get_absolute_url()


def test_it_opens_the_household_of_a_spouse_id_number(client, caseworker, household):
    spouse = household.members.get(relation="spouse")
    client.force_login(caseworker)
    assert nav_search(client, "/", spouse.id_number)["Location"] == household.get_absolute_url()


@pytest.mark.parametrize("query", ["张伟", "新建路"])
def test_anything_else_opens_the_list_searched_for_it(client, caseworker, household, query):
    client.force_login(caseworker)
    response = nav_search(client, "/", query)
    assert response.status_code == 302
    listed = client.get(response["Location"])
    assert listed.context["filter"].form["q"].value() == query
    assert list(listed.context["page"].object_list) == [household]


def test_a_phone_opens_the_list_with_the_household(client, caseworker, tree, standard):
    household = make_household(tree["street_a"], caseworker, members=[member_values(phone="13812345678")])
    client.force_login(caseworker)
    listed = client.get(nav_search(client, "/", "138 1234 5678")["Location"])
    assert list(listed.context["page"].object_list) == [household]


def test_an_empty_search_opens_the_whole_list(client, caseworker, household):
    client.force_login(caseworker)
    assert nav_search(client, "/", "   ")["Location"] == "/households/"


def test_an_inactive_member_id_number_opens_nothing(client, caseworker, household):
    spouse = household.members.get(relation="spouse")
    type(spouse).objects.filter(pk=spouse.pk).update(is_active=False)
    client.force_login(caseworker)
    assert nav_search(client, "/", spouse.id_number)["Location"].startswith("/households/?q=")


def test_outsider_is_not_sent_to_a_household_of_the_sibling_county(client, outsider, household, head):
    client.force_login(outsider)
    for query in (head.id_number, household.code, head.name):
        response = nav_search(client, "/", query)
        assert response["Location"].startswith("/households/?q="), query
        listed = client.get(response["Location"])
        assert listed.context["page"].paginator.count == 0
        assert household.address not in listed.content.decode()  # what was typed shows in the box, nothing more


def test_a_caseworker_is_not_sent_to_a_sibling_county_household(client, caseworker, sibling_household):
    head = sibling_household.members.get(relation="head")
    client.force_login(caseworker)
    response = client.get(URL, {"q": head.id_number})
    assert response["Location"] == f"/households/?q={head.id_number}"
    assert client.get(response["Location"]).context["page"].paginator.count == 0
    assert Household.objects.filter(code=sibling_household.code).exists()


def test_a_street_caseworker_does_not_reach_the_county_above(client, tree, household, head):
    other_street = UserFactory(organization=tree["street_b"], role=Role.CASEWORKER)
    client.force_login(other_street)
    assert client.get(URL, {"q": head.id_number})["Location"].startswith("/households/?q=")


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER, Role.LEADER])
def test_every_role_that_sees_households_has_the_box(client, tree, household, head, role):
    user = UserFactory(organization=tree["county"], role=role)
    client.force_login(user)
    assert client.get(URL, {"q": head.id_number})["Location"] == household.get_absolute_url()
    for page in ("/", "/households/", "/programs/"):
        assert [form.action for form in rendered_forms(client.get(page).content.decode())
                if form.testid == "quick-search"] == [URL], page  # fmt: skip


def test_an_administrator_has_no_box_and_gets_404(client, union_admin, household, head):
    client.force_login(union_admin)
    assert "quick-search" not in client.get("/").content.decode()
    assert client.get(URL, {"q": head.id_number}).status_code == 404


def test_anonymous_is_sent_to_log_in(client, household, head):
    response = client.get(URL, {"q": head.id_number})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_post_is_405(client, caseworker):
    client.force_login(caseworker)
    assert client.post(URL, {"q": "x"}).status_code == 405


def test_a_very_long_query_is_cut_not_refused(client, caseworker, household):
    client.force_login(caseworker)
    response = client.get(URL, {"q": "张" * 5000})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_the_box_works_on_a_phone_page_without_javascript(client, caseworker):
    """The box sits in the collapsed navigation; the form is a plain GET form, so Enter submits it anywhere."""
    client.force_login(caseworker)
    html = client.get("/").content.decode()
    start = html.index('id="main-nav"')
    assert start < html.index('data-testid="quick-search"') < html.index("</nav>")


def test_its_queries_do_not_grow_with_households(client, caseworker, tree, standard, django_assert_max_num_queries):
    households = [make_household(tree["street_a"], caseworker) for _ in range(2)]
    number = households[0].members.get(relation="head").id_number
    client.force_login(caseworker)
    with django_assert_max_num_queries(8) as few:
        client.get(URL, {"q": number})
    for _ in range(5):
        make_household(tree["street_b"], caseworker)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL, {"q": number})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL, {"q": "无此人"})


@pytest.fixture
def everyone(tree):
    user = UserFactory(username="everyone", organization=tree["county"], role=Role.CASEWORKER)
    user.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in Role))
    return user


def test_a_user_with_every_role_has_one_box(client, everyone):
    client.force_login(everyone)
    assert client.get("/").content.decode().count('data-testid="quick-search"') == 1
