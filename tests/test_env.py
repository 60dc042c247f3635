from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hardship.env import database_from_url, env_bool, env_list

BASE = Path("/srv/bangfu")


def test_sqlite_paths_are_relative_to_the_project_unless_absolute():
    assert database_from_url("sqlite:///var/db.sqlite3", BASE)["NAME"] == BASE / "var/db.sqlite3"
    assert database_from_url("sqlite:////tmp/x.db", BASE)["NAME"] == Path("/tmp/x.db")
    assert database_from_url("sqlite://:memory:", BASE)["NAME"] == ":memory:"


def test_postgres_urls_are_taken_apart():
    config = database_from_url("postgres://bangfu:p%40ss@db.internal:6543/bangfu_prod", BASE)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "bangfu",
        "p@ss",
        "db.internal",
        "6543",
        "bangfu_prod",
    )


def test_a_postgres_url_without_a_database_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("postgres://postgres@127.0.0.1:5432/", BASE)


def test_unknown_schemes_are_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://root@localhost/x", BASE)


def test_booleans_and_lists(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_bool("FLAG", False) is True
    assert env_bool("MISSING", True) is True
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG", False)


def test_the_settings_follow_the_house_rules(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert "en" in dict(settings.LANGUAGES)


def test_postgres_connections_turn_the_jit_compiler_off():
    config = database_from_url("postgres://postgres@127.0.0.1:5432/bangfu", BASE)
    assert config["OPTIONS"]["options"] == "-c jit=off"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_jit_compiler_is_off_on_a_live_connection():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
