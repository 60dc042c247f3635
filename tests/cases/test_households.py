from datetime import date

import pytest
from django.db import IntegrityError, transaction

from cases.choices import Relation
from cases.errors import DuplicateIdNumber
from cases.models import Household, Member
from cases.services.households import household_members_save
from tests.cases.factories import make_household, make_id_number, member_values
from tests.factories import UserFactory


def test_a_household_is_created_with_its_members(household, tree):
    assert household.organization == tree["street_a"]
    assert household.org_path == tree["street_a"].path
    members = list(household.members.order_by("id"))
    assert [member.relation for member in members] == ["head", "spouse", "child"]
    assert members[0].birth_date == date(1980, 5, 17)
    assert members[0].sex == "male"


def test_the_household_code_is_random_long_and_not_the_id(household, caseworker, tree):
    other = make_household(tree["street_a"], caseworker)
    assert len(household.code) >= 10
    assert household.code != other.code
    assert str(household.pk) not in household.code


def test_a_household_needs_exactly_one_head(standard, caseworker, tree):
    with pytest.raises(Exception, match="户主|head"):
        make_household(tree["street_a"], caseworker, members=[member_values(Relation.SPOUSE)])
    with pytest.raises(Exception, match="户主|head"):
        make_household(tree["street_a"], caseworker, members=[member_values(), member_values()])
    assert not Household.objects.exists()


def test_the_database_refuses_a_second_head(household):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=household, name="x", id_number=make_id_number(), relation="head", work_status="employed",
            birth_date=date(1980, 1, 1), sex="male",
        )  # fmt: skip


def test_an_id_number_entered_twice_in_one_form_is_refused(standard, caseworker, tree):
    twin = member_values()
    with pytest.raises(DuplicateIdNumber):
        make_household(tree["street_a"], caseworker, members=[twin, {**twin, "relation": "spouse"}])


def test_a_duplicate_in_scope_names_the_household(household, caseworker, tree):
    head = household.members.get(relation="head")
    with pytest.raises(DuplicateIdNumber) as error:
        make_household(tree["street_b"], caseworker, members=[member_values(id_number=head.id_number)])
    assert household.code in error.value.message


def test_a_duplicate_out_of_scope_says_only_another_union(household, outsider, tree):
    head = household.members.get(relation="head")
    with pytest.raises(DuplicateIdNumber) as error:
        make_household(tree["sibling_street"], outsider, members=[member_values(id_number=head.id_number)])
    assert household.code not in error.value.message
    assert household.address not in error.value.message


def test_the_database_refuses_the_same_id_in_two_current_members(household):
    head = household.members.get(relation="head")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=household, name="x", id_number=head.id_number, relation="other", work_status="employed",
            birth_date=head.birth_date, sex="male",
        )  # fmt: skip


def test_a_removed_member_frees_the_id_number(household, caseworker, tree):
    child = household.members.get(relation="child")
    kept = [
        {"instance": m, **{f: getattr(m, f) for f in ("name", "id_number", "relation", "work_status")}}
        for m in household.members.exclude(pk=child.pk)
    ]
    household_members_save(household=household, by=caseworker, members=kept, removed=[child])
    child.refresh_from_db()
    assert not child.is_active
    make_household(tree["street_b"], caseworker, members=[member_values(id_number=child.id_number)])


def test_a_caseworker_cannot_register_in_another_county(standard, outsider, tree):
    with pytest.raises(Exception, match="帮扶工作人员|caseworker"):
        make_household(tree["street_a"], outsider)


def test_a_leader_cannot_register_a_household(standard, leader, tree):
    with pytest.raises(Exception, match="帮扶工作人员|caseworker"):
        make_household(tree["street_a"], leader)


def test_a_household_moves_with_its_union(household, tree):
    from accounts.services import organization_move

    organization_move(organization=tree["street_a"], new_parent=tree["sibling_county"])
    household.refresh_from_db()
    tree["street_a"].refresh_from_db()
    assert household.org_path == tree["street_a"].path
    assert Household.objects.visible_to(UserFactory(organization=tree["sibling_county"])).filter(pk=household.pk)
