import pytest
from django.contrib.auth.models import Group

from accounts import services
from accounts.errors import NotPermitted
from accounts.permissions import ensure_may, may, may_act_as
from accounts.roles import Role
from tests.factories import UserFactory


def test_the_data_migration_created_the_four_role_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"caseworker", "approver", "leader", "admin"}


def test_only_the_admin_role_may_manage_unions(caseworker, approver, leader, union_admin, tree):
    street = tree["street_a"]
    assert may(union_admin, "accounts.change_organization", street)
    for user in (caseworker, approver, leader):
        assert not may(user, "accounts.change_organization", street), user.username
        assert may(user, "accounts.view_organization", street), user.username


def test_the_admin_role_is_bounded_by_scope(union_admin, tree):
    assert may(union_admin, "accounts.change_organization", tree["county"])
    assert not may(union_admin, "accounts.change_organization", tree["sibling_county"])
    assert not may(union_admin, "accounts.change_organization", tree["city"])


def test_the_sibling_county_outsider_may_not_touch_the_county(outsider, tree):
    assert not may(outsider, "accounts.view_organization", tree["county"])
    assert not may_act_as(outsider, Role.CASEWORKER, tree["street_a"])
    assert may_act_as(outsider, Role.CASEWORKER, tree["sibling_street"])
    with pytest.raises(NotPermitted):
        ensure_may(outsider, "accounts.view_organization", tree["county"])


def test_may_act_as_needs_the_role(caseworker, approver, tree):
    assert may_act_as(approver, Role.APPROVER, tree["street_a"])
    assert not may_act_as(caseworker, Role.APPROVER, tree["street_a"])


def test_an_inactive_user_may_do_nothing(tree):
    user = UserFactory(organization=tree["county"], role=Role.ADMIN, is_active=False)
    assert not may(user, "accounts.view_organization", tree["county"])
    assert not may_act_as(user, Role.ADMIN, tree["county"])


def test_set_role_leaves_exactly_one_role(tree):
    user = UserFactory(organization=tree["county"], role=Role.CASEWORKER)
    services.user_set_role(user=user, role=Role.ADMIN)
    user.refresh_from_db()
    assert user.roles == {"admin"}
    assert user.role == Role.ADMIN
    assert user.is_staff
    services.user_set_role(user=user, role=Role.LEADER)
    user.refresh_from_db()
    assert user.roles == {"leader"}
    assert not user.is_staff
