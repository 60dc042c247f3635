import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Organization, User
from accounts.scoping import path_in_scope
from tests.factories import OrganizationFactory, UserFactory


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_a_county_user_sees_the_county_and_everything_below(caseworker, tree):
    assert codes(Organization.objects.visible_to(caseworker)) == {
        "330281",
        "330281001",
        "330281002",
        "330281001E01",
    }


def test_a_county_user_never_sees_the_sibling_county_or_the_parents(caseworker, tree):
    visible = Organization.objects.visible_to(caseworker)
    for name in ["sibling_county", "sibling_street", "city", "province", "other_city", "other_county"]:
        assert not visible.filter(pk=tree[name].pk).exists(), name


def test_the_sibling_county_outsider_sees_only_its_own_branch(outsider, tree):
    assert codes(Organization.objects.visible_to(outsider)) == {"330282", "330282001"}


def test_a_street_user_sees_only_the_street(tree):
    user = UserFactory(organization=tree["street_a"])
    assert codes(Organization.objects.visible_to(user)) == {"330281001", "330281001E01"}


def test_a_province_user_sees_the_whole_province(tree):
    user = UserFactory(organization=tree["province"])
    assert Organization.objects.visible_to(user).count() == Organization.objects.count()


def test_anonymous_and_inactive_users_see_nothing(tree):
    assert not Organization.objects.visible_to(AnonymousUser()).exists()
    inactive = UserFactory(organization=tree["province"], is_active=False)
    assert not Organization.objects.visible_to(inactive).exists()


def test_users_are_scoped_like_records(caseworker, outsider, approver, tree):
    visible = set(User.objects.visible_to(caseworker))
    assert {caseworker, approver} <= visible
    assert outsider not in visible
    assert set(User.objects.visible_to(outsider)) == {outsider}


def test_prefix_matching_does_not_leak_into_a_sibling_with_a_longer_number(tree):
    """Sibling 10 must not be visible from sibling 1: fixed-width segments make the prefix exact."""
    children = [OrganizationFactory(kind="enterprise", parent=tree["street_b"]) for _ in range(12)]
    first, tenth = children[0], children[9]
    user = UserFactory(organization=first)
    assert tenth.path.startswith(tree["street_b"].path)
    assert list(Organization.objects.visible_to(user)) == [first]


def test_path_in_scope_agrees_with_visible_to(caseworker, tree):
    for union in Organization.objects.all():
        expected = Organization.objects.visible_to(caseworker).filter(pk=union.pk).exists()
        assert path_in_scope(caseworker, union.path) is expected, union.name


@pytest.mark.parametrize("name", ["sibling_county", "province"])
def test_a_superuser_sees_everything(tree, name):
    root = UserFactory(organization=tree["street_a"], is_superuser=True)
    assert Organization.objects.visible_to(root).filter(pk=tree[name].pk).exists()
