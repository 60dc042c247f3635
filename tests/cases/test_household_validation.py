"""A household form that breaks a rule says so in Chinese at the field, keeps what was typed, and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models import CheckConstraint, UniqueConstraint

from accounts.errors import DomainError
from cases.models import Household
from tests.cases.factories import make_household, make_id_number, member_values
from tests.field_errors import error_at, value_in

BAD_ID_A, BAD_ID_B = "33028119800517001", "3302811980051700X9"


def household_data(tree, **members):
    head_id, child_id = make_id_number(), make_id_number(date(2010, 1, 1))
    data = {
        "organization": tree["street_a"].pk, "address": "余姚市梨洲街道文化路8号", "hukou_type": "agricultural",
        "household_type": "migrant_worker",
        "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-name": "赵强", "members-0-relation": "head", "members-0-id_number": head_id,
        "members-0-work_status": "laid_off", "members-0-health": "healthy", "members-0-ethnicity": "汉族",
        "members-0-political_status": "masses", "members-0-monthly_income": "0",
        "members-1-name": "赵乐", "members-1-relation": "child", "members-1-id_number": child_id,
        "members-1-work_status": "not_working_age", "members-1-health": "healthy", "members-1-ethnicity": "汉族",
        "members-1-political_status": "masses", "members-1-monthly_income": "0", "members-1-education_stage": "junior",
    }  # fmt: skip
    data.update({f"members-{key}": value for key, value in members.items()})
    return data


def test_it_shows_a_negative_member_income_at_the_field(client, standard, caseworker, tree):
    client.force_login(caseworker)
    response = client.post("/households/new/", household_data(tree, **{"1-monthly_income": "-100"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "月收入不能为负数" in error_at(html, "members-1-monthly_income")
    assert value_in(html, "members-1-monthly_income") == "-100"
    assert value_in(html, "members-0-name") == "赵强"
    assert "约束" not in html
    assert not Household.objects.exists()


def test_it_shows_a_negative_housing_area_at_the_field(client, standard, caseworker, tree):
    client.force_login(caseworker)
    data = household_data(tree) | {"housing_area": "-5"}
    html = client.post("/households/new/", data).content.decode()
    assert "住房面积不能为负数" in error_at(html, "housing_area")
    assert value_in(html, "housing_area") == "-5"
    assert "约束" not in html and not Household.objects.exists()


def test_two_different_bad_id_numbers_are_not_called_the_same_number(client, standard, caseworker, tree):
    client.force_login(caseworker)
    data = household_data(tree, **{"0-id_number": BAD_ID_A, "1-id_number": BAD_ID_B})
    html = client.post("/households/new/", data).content.decode()
    assert "同一身份证号" not in html
    assert error_at(html, "members-0-id_number") and error_at(html, "members-1-id_number")
    assert value_in(html, "members-0-id_number") == BAD_ID_A
    assert value_in(html, "members-1-id_number") == BAD_ID_B
    assert not Household.objects.exists()


def test_the_same_good_id_number_twice_is_still_refused(client, standard, caseworker, tree):
    client.force_login(caseworker)
    data = household_data(tree)
    data["members-1-id_number"] = data["members-0-id_number"]
    html = client.post("/households/new/", data).content.decode()
    assert "同一身份证号" in html and not Household.objects.exists()


def test_the_service_refuses_a_negative_member_income_at_its_field(standard, caseworker, tree):
    with pytest.raises(DomainError) as error:
        make_household(tree["street_a"], caseworker, members=[member_values(monthly_income=Decimal("-1"))])
    assert error.value.field == "monthly_income"
    assert not Household.objects.exists()


def test_the_service_refuses_a_negative_member_income_on_edit(household, caseworker):
    from cases.services.households import household_members_save

    head = household.members.get(relation="head")
    values = {"instance": head, "relation": head.relation, "id_number": head.id_number, "monthly_income": -1}
    with pytest.raises(DomainError) as error:
        household_members_save(household=household, by=caseworker, members=[values], removed=[])
    assert error.value.field == "monthly_income"
    head.refresh_from_db()
    assert head.monthly_income >= 0


def test_the_service_refuses_a_negative_housing_area(standard, caseworker, tree):
    with pytest.raises(DomainError) as error:
        make_household(tree["street_a"], caseworker, housing_area=Decimal("-1"))
    assert error.value.field == "housing_area"


DEFAULT_MESSAGES = {CheckConstraint.default_violation_error_message, UniqueConstraint.default_violation_error_message}


def every_constraint():
    for app in ("accounts", "cases", "programs", "assessment", "reports"):
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_has_a_message_of_its_own_and_its_name_as_code():
    constraints = list(every_constraint())
    assert constraints
    for model, constraint in constraints:
        message = str(constraint.violation_error_message)
        assert message not in {str(default) for default in DEFAULT_MESSAGES}, f"{model.__name__}: {constraint.name}"
        assert constraint.violation_error_code == constraint.name, f"{model.__name__}: {constraint.name}"
