"""A fresh install has no union, and createsuperuser needs one: create_top_union makes the top of the tree."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organization, OrganizationKind, User


def test_it_lets_createsuperuser_file_the_first_administrator_on_an_empty_database(db, monkeypatch, capsys):
    assert not Organization.objects.exists()
    call_command("create_top_union", name="浙江省总工会", code="330000")
    province = Organization.objects.get()
    assert (province.kind, province.parent, province.path) == (OrganizationKind.PROVINCIAL, None, "0001")
    assert f"--organization {province.pk}" in capsys.readouterr().out
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-pass-9731")
    call_command("createsuperuser", "--noinput", "--username=root", f"--organization={province.pk}")
    assert User.objects.get(username="root").organization == province


def test_it_is_idempotent_for_the_same_top_union(db):
    call_command("create_top_union", name="浙江省总工会", code="330000")
    call_command("create_top_union", name="浙江省总工会", code="330000")
    assert Organization.objects.count() == 1


def test_it_refuses_a_code_of_a_union_below_the_top(tree):
    with pytest.raises(CommandError):
        call_command("create_top_union", name="余姚", code="330281")
