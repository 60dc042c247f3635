import pytest

from accounts.roles import Role
from programs.choices import ProgramKind
from tests.factories import UserFactory
from tests.programs.factories import make_program, make_tiers


@pytest.fixture
def tiers(db):
    make_tiers()


@pytest.fixture
def illness_program(tree, tiers):
    return make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS)


@pytest.fixture
def second_approver(tree):
    return UserFactory(username="approver2", organization=tree["county"], role=Role.APPROVER)


@pytest.fixture
def city_approver(tree):
    return UserFactory(username="city_approver", organization=tree["city"], role=Role.APPROVER)


@pytest.fixture
def outsider_approver(tree):
    return UserFactory(username="outsider_approver", organization=tree["sibling_county"], role=Role.APPROVER)
