import pytest

from tests.cases.factories import make_active_file, make_household, make_standard


@pytest.fixture
def standard(tree):
    """The province's standard: nearest-up-the-tree lookup finds it for every union below."""
    return make_standard(tree["province"])


@pytest.fixture
def household(standard, caseworker, tree):
    return make_household(tree["street_a"], caseworker)


@pytest.fixture
def active_file(household, caseworker, approver):
    return make_active_file(household, caseworker, approver)
