import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organization, User
from accounts.roles import Role


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_creates_the_demo_tree_and_users_once(db):
    call_command("seed_demo", force=True, no_households=True)
    call_command("seed_demo", force=True, no_households=True)
    assert Organization.objects.filter(code="330281").count() == 1
    assert User.objects.filter(username__startswith="demo_").count() == 6
    yuyao = Organization.objects.get(name="余姚市总工会")
    cixi = Organization.objects.get(name="慈溪市总工会")
    assert yuyao.parent == cixi.parent == Organization.objects.get(name="宁波市总工会")
    assert Organization.objects.filter(parent=yuyao, kind="township").count() == 2
    assert Organization.objects.filter(path__startswith=yuyao.path, kind="enterprise").count() == 2


@pytest.mark.parametrize(
    ("username", "role", "union"),
    [
        ("demo_caseworker", Role.CASEWORKER, "余姚市总工会"),
        ("demo_approver", Role.APPROVER, "余姚市总工会"),
        ("demo_leader", Role.LEADER, "余姚市总工会"),
        ("demo_admin", Role.ADMIN, "余姚市总工会"),
        ("demo_caseworker_b", Role.CASEWORKER, "慈溪市总工会"),
    ],
)
def test_each_demo_user_has_its_role_union_and_password(db, username, role, union):
    call_command("seed_demo", force=True, no_households=True)
    user = User.objects.get(username=username)
    assert user.role == role
    assert user.organization.name == union
    assert user.check_password("demo12345")


def test_the_password_comes_from_the_environment_when_set(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-pass-1")
    call_command("seed_demo", force=True, no_households=True)
    assert User.objects.get(username="demo_leader").check_password("another-pass-1")


def test_it_creates_sixty_demo_households_in_many_statuses_once(db):
    from cases.models import HardshipFile, Household

    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    assert Household.objects.count() == 60
    assert HardshipFile.objects.values("status").distinct().count() >= 6
    yuyao = Organization.objects.get(code="330281")
    assert Household.objects.filter(org_path__startswith=yuyao.path).count() == 40
