"""Every test finds the role groups the migrations made, whatever ran before it (issue 13).

pytest-django runs the plain database tests first, then the transactional ones (each ends with a flush), then the
tests that asked for no database when collected but reach one at run time: here each later test follows a flush.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from accounts.roles import Role
from tests.factories import UserFactory

TRANSACTIONAL = pytest.mark.django_db(transaction=True)


def assert_every_role_group_holds_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) == {role.value for role in Role}
    admin = Group.objects.get(name=Role.ADMIN)
    assert admin.permissions.filter(content_type__app_label="cases", codename="add_localstandard").exists()
    # programs 0006 took this one from the caseworkers: the restore keeps what the migrations left, not more.
    caseworker = Group.objects.get(name=Role.CASEWORKER)
    assert not caseworker.permissions.filter(codename="add_disbursement").exists()
    assert caseworker.permissions.filter(codename="add_household").exists()


@TRANSACTIONAL
def test_it_gives_a_user_a_role_in_a_transactional_test(tree):
    user = UserFactory(organization=tree["county"], role=Role.CASEWORKER)
    assert user.has_perm("cases.add_household")


@TRANSACTIONAL
def test_it_finds_every_role_group_after_the_flush_of_the_test_before(tree):
    assert_every_role_group_holds_its_permissions()
    assert UserFactory(organization=tree["county"], role=Role.APPROVER).has_perm("programs.add_disbursement")


@TRANSACTIONAL
def test_it_finds_the_content_types_and_permissions_again_too(tree):
    assert ContentType.objects.filter(app_label="cases", model="household").exists()
    assert_every_role_group_holds_its_permissions()
    assert UserFactory(organization=tree["county"], role=Role.CASEWORKER).has_perm("cases.add_household")


def test_it_finds_them_in_a_test_that_reaches_the_database_only_at_run_time(request):
    # As tests/accounts/test_lockout.py does through request.getfixturevalue: collected as needing no database.
    request.getfixturevalue("tree")
    assert_every_role_group_holds_its_permissions()


def test_it_leaves_serialized_rollback_out_of_the_suite():
    # Its restore is skipped once Playwright runs, and where it runs it collides with a plain flush's content types.
    tests = Path(__file__).resolve().parent
    users = [
        str(path.relative_to(tests))
        for path in tests.rglob("*.py")
        if path != Path(__file__).resolve()
        and re.search(r"serialized_rollback\s*=\s*True|django_db_serialized_rollback", path.read_text())
    ]
    assert users == []
