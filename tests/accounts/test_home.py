import pytest
from django.utils import translation

from accounts.menu import MENU
from accounts.roles import Role
from tests.factories import UserFactory


def home_html(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def labels_for(role):
    with translation.override("zh-hans"):
        return {str(entry.label) for entry in MENU if role in entry.roles}, {
            str(entry.label) for entry in MENU if role not in entry.roles
        }


@pytest.mark.parametrize(
    ("fixture", "role", "role_label"),
    [
        ("caseworker", Role.CASEWORKER, "帮扶工作人员"),
        ("approver", Role.APPROVER, "审批人"),
        ("leader", Role.LEADER, "领导"),
        ("union_admin", Role.ADMIN, "系统管理员"),
    ],
)
def test_home_shows_the_union_the_role_and_the_role_menu(db, client, request, fixture, role, role_label):
    html = home_html(client, request.getfixturevalue(fixture))
    assert "余姚市总工会" in html
    assert "宁波市总工会" in html  # the chain above the union
    assert role_label in html
    shown, hidden = labels_for(role)
    for label in shown:
        assert label in html, label
    for label in hidden:
        assert f">{label}<" not in html, label


def test_only_admins_get_a_link_to_the_admin_site(client, caseworker, union_admin):
    assert 'href="/admin/"' not in home_html(client, caseworker)
    assert 'href="/admin/"' in home_html(client, union_admin)


def test_a_user_without_a_role_is_told_so(client, tree):
    html = home_html(client, UserFactory(organization=tree["street_a"]))
    assert "尚未分配角色" in html


def test_home_query_count_is_small(client, caseworker, django_assert_max_num_queries):
    client.force_login(caseworker)
    # 8 for the page, plus 2 for the counts beside "My work" in the navigation bar: open alerts, what came back.
    with django_assert_max_num_queries(10):
        client.get("/")


def test_the_page_is_made_for_phones(client, caseworker):
    html = home_html(client, caseworker)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in html
    assert "/static/vendor/htmx-2.0.8/htmx.min.js" in html
    assert "cdn" not in html.lower()
