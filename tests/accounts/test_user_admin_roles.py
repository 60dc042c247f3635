"""Roles picked in the user admin: the administrator role opens the admin site, as user_set_role does."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_staff_follow_role
from tests.factories import UserFactory


def change_data(user, roles, **extra) -> dict:
    data = {
        "username": user.username, "name": user.name, "phone": "", "email": "", "organization": str(user.organization_id),
        "groups": [str(Group.objects.get(name=role).pk) for role in roles], "is_active": "on",
    }  # fmt: skip
    return {**data, **extra}


@pytest.fixture
def newcomer(tree):
    return UserFactory(username="newcomer", organization=tree["street_a"])


def test_it_opens_the_admin_site_to_a_new_administrator_and_closes_it_again(client, union_admin, newcomer):
    client.force_login(union_admin)
    url = f"/admin/accounts/user/{newcomer.pk}/change/"
    assert client.post(url, change_data(newcomer, [Role.ADMIN])).status_code == 302
    newcomer.refresh_from_db()
    assert (newcomer.roles, newcomer.is_staff) == ({"admin"}, True)
    client.force_login(newcomer)
    assert client.get("/admin/cases/localstandard/add/").status_code == 200

    client.force_login(union_admin)
    assert client.post(url, change_data(newcomer, [Role.CASEWORKER])).status_code == 302
    newcomer = User.objects.get(pk=newcomer.pk)
    assert (newcomer.roles, newcomer.is_staff) == ({"caseworker"}, False)


def test_a_caseworker_role_does_not_open_the_admin_site(client, union_admin, newcomer):
    client.force_login(union_admin)
    client.post(f"/admin/accounts/user/{newcomer.pk}/change/", change_data(newcomer, [Role.CASEWORKER]))
    newcomer = User.objects.get(pk=newcomer.pk)
    assert (newcomer.roles, newcomer.is_staff) == ({"caseworker"}, False)


def test_a_superuser_keeps_the_admin_site_open_to_whom_they_chose(tree):
    superuser = UserFactory(organization=tree["province"], is_superuser=True, is_staff=True)
    leader = UserFactory(organization=tree["county"], role=Role.LEADER)
    leader.is_staff = True  # a superuser opened the admin site to this leader to read the configuration
    leader.save()
    assert user_staff_follow_role(user=leader, by=superuser).is_staff
    county_admin = UserFactory(organization=tree["county"], role=Role.ADMIN)
    assert not user_staff_follow_role(user=leader, by=county_admin).is_staff
    assert not User.objects.get(pk=leader.pk).is_staff


def test_outsider_admin_gets_404_on_the_users_change_form(client, tree, newcomer):
    outsider_admin = UserFactory(organization=tree["sibling_county"], role=Role.ADMIN)
    client.force_login(outsider_admin)
    url = f"/admin/accounts/user/{newcomer.pk}/change/"
    assert client.post(url, change_data(newcomer, [Role.ADMIN])).status_code == 404
    newcomer.refresh_from_db()
    assert (newcomer.roles, newcomer.is_staff) == (set(), False)
