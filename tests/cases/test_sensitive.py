"""The one rule for health data: models declare the fields that may carry it; a role without the need never reads them."""

import pytest
from django.apps import apps
from django.db import models

from cases.models import Member, Visit
from cases.sensitive import HIDDEN, health_fields, health_value

# Free text of the casework apps that never describes a person: configuration written by administrators.
NOT_ABOUT_PEOPLE = {"programs.FundingSource.notes", "programs.Program.description"}


def test_every_free_text_field_about_a_household_is_declared_as_health_data():
    """A new text field must be declared in its model's health_fields, or listed above with its reason."""
    undecided = []
    for app in ("cases", "programs"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                name = f"{model._meta.label}.{field.name}"
                if isinstance(field, models.TextField) and field.name not in health_fields(model):
                    if name not in NOT_ABOUT_PEOPLE:
                        undecided.append(name)
    assert undecided == []


def test_it_refuses_a_field_the_model_does_not_declare(household, caseworker):
    member = household.members.first()
    with pytest.raises(ValueError):
        health_value(member, "id_number", caseworker)


def test_it_shows_the_label_to_the_caseworker_and_a_dash_to_the_leader(household, caseworker, leader):
    member = household.members.first()
    member.health = "serious"
    assert health_value(member, "health", caseworker) == member.get_health_display()
    assert health_value(member, "health", leader) == HIDDEN


def test_an_empty_value_is_empty_for_everyone(leader):
    assert health_value(Visit(findings=""), "findings", leader) == ""
    assert health_value(Member(disability_grade=None), "disability_grade", leader) == ""


def test_no_model_holding_health_data_is_edited_in_the_admin():
    """The admin shows every field: a model with health data there would need its own masking first."""
    from django.contrib import admin

    registered = [model._meta.label for model in admin.site._registry if health_fields(model)]
    assert registered == []
