import os
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts.models import OrganizationKind
from accounts.roles import Role
from tests.factories import OrganizationFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("BANGFU_REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


def _reachable(url: str | None, default_port: int) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def _missing_for(item) -> str | None:
    """Why a marked test cannot run here, or None when it can."""
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if item.get_closest_marker("postgres") and not on_postgres:
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/bangfu"
    if item.get_closest_marker("integration"):
        if not on_postgres:
            return "needs PostgreSQL shared with a worker process: set DATABASE_URL=postgres://..."
        if not _reachable(os.environ.get("CELERY_BROKER_URL"), 6379):
            return "needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 to a running server"
    if item.get_closest_marker("e2e"):
        if not os.path.exists(CHROMIUM):
            return f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        if not _playwright_importable():
            return "needs the playwright Python package"
    return None


def _playwright_importable() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def pytest_runtest_setup(item):
    reason = _missing_for(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"BANGFU_REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)


# The role groups and their permissions as the migrations made them, read once from the fresh test database.
_MIGRATED_ROLE_GROUPS: dict[str, set[tuple[str, str]]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, whose role groups come back after every flush, whatever test runs next.

    A transactional test (live_server, the browser tests, transaction=True) ends with a flush that empties every
    table; its post_migrate makes the content types and permissions again, but not the groups the data migrations
    made. Serialized rollback is not used to put them back: once Playwright's sync API has left its event loop running
    in the test thread, Django hands out new connection objects without the snapshot taken at setup and skips the
    restore, and where it restores, it collides with the content types a plain flush made again.
    """
    from django.contrib.auth.models import Group
    from django.db.models.signals import post_migrate

    with django_db_blocker.unblock():
        _MIGRATED_ROLE_GROUPS.update(
            (group.name, set(group.permissions.values_list("content_type__app_label", "codename")))
            for group in Group.objects.all()
        )
    post_migrate.connect(_restore_role_groups, dispatch_uid="tests.restore_role_groups")
    yield
    post_migrate.disconnect(dispatch_uid="tests.restore_role_groups")


def _restore_role_groups(sender, using, **kwargs) -> None:
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate comes once per app: by the last one, every app's permissions are there again.
    if sender.label != [config for config in apps.get_app_configs() if config.models_module][-1].label:
        return
    if Group.objects.using(using).filter(name__in=_MIGRATED_ROLE_GROUPS).count() == len(_MIGRATED_ROLE_GROUPS):
        return
    by_key = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.using(using).select_related("content_type")
    }
    for name, keys in _MIGRATED_ROLE_GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([by_key[key] for key in keys])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard keeps its figures there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in English leaves English active in the thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def tree(db):
    """A small union tree:

    province ─┬─ city ─┬─ county (余姚) ─┬─ street_a ── enterprise
              │        │                 └─ street_b
              │        └─ sibling_county (慈溪) ── sibling_street
              └─ other_city ── other_county
    """
    province = OrganizationFactory(name="浙江省总工会", code="330000", kind=OrganizationKind.PROVINCIAL)
    city = OrganizationFactory(name="宁波市总工会", code="330200", kind=OrganizationKind.CITY, parent=province)
    county = OrganizationFactory(name="余姚市总工会", code="330281", kind=OrganizationKind.COUNTY, parent=city)
    street_a = OrganizationFactory(name="阳明街道工会", code="330281001", kind=OrganizationKind.TOWNSHIP, parent=county)
    street_b = OrganizationFactory(name="梨洲街道工会", code="330281002", kind=OrganizationKind.TOWNSHIP, parent=county)
    enterprise = OrganizationFactory(
        name="阳明光学仪器有限公司工会",
        code="330281001E01",
        kind=OrganizationKind.ENTERPRISE,
        parent=street_a,
    )
    sibling_county = OrganizationFactory(name="慈溪市总工会", code="330282", kind=OrganizationKind.COUNTY, parent=city)
    sibling_street = OrganizationFactory(
        name="浒山街道工会", code="330282001", kind=OrganizationKind.TOWNSHIP, parent=sibling_county
    )
    other_city = OrganizationFactory(name="嘉兴市总工会", code="330400", kind=OrganizationKind.CITY, parent=province)
    other_county = OrganizationFactory(
        name="海宁市总工会", code="330481", kind=OrganizationKind.COUNTY, parent=other_city
    )
    return {
        "province": province,
        "city": city,
        "county": county,
        "street_a": street_a,
        "street_b": street_b,
        "enterprise": enterprise,
        "sibling_county": sibling_county,
        "sibling_street": sibling_street,
        "other_city": other_city,
        "other_county": other_county,
    }


@pytest.fixture
def caseworker(tree):
    return UserFactory(username="caseworker", organization=tree["county"], role=Role.CASEWORKER)


@pytest.fixture
def approver(tree):
    return UserFactory(username="approver", organization=tree["county"], role=Role.APPROVER)


@pytest.fixture
def leader(tree):
    return UserFactory(username="leader", organization=tree["county"], role=Role.LEADER)


@pytest.fixture
def union_admin(tree):
    return UserFactory(username="union_admin", organization=tree["county"], role=Role.ADMIN)


@pytest.fixture
def outsider(tree):
    """A caseworker of the sibling county: must never see anything of 余姚."""
    return UserFactory(username="outsider", organization=tree["sibling_county"], role=Role.CASEWORKER)


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process in tests, even when CELERY_BROKER_URL is set, except in the worker tests."""
    from hardship.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = request.node.get_closest_marker("integration") is None
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def standard(tree):
    """The province's standard: nearest-up-the-tree lookup finds it for every union below."""
    from tests.cases.factories import make_standard

    return make_standard(tree["province"])


@pytest.fixture
def household(standard, caseworker, tree):
    from tests.cases.factories import make_household

    return make_household(tree["street_a"], caseworker)


@pytest.fixture
def active_file(household, caseworker, approver):
    from tests.cases.factories import make_active_file

    return make_active_file(household, caseworker, approver)
