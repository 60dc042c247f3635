from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.admin import UserAdmin
from accounts.models import User
from tests.factories import UserFactory

LOGIN = "/accounts/login/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_the_login_page_is_in_chinese(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page
    assert 'lang="zh-hans"' in page


def test_a_correct_password_logs_in_and_lands_on_home(client, caseworker):
    response = post_login(client, "caseworker", "s3cret-pass")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(caseworker.pk)


def test_a_wrong_password_shows_a_chinese_error(client, caseworker):
    response = post_login(client, "caseworker", "wrong")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "请输入一个正确的" in response.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(client, caseworker):
    for _attempt in range(5):
        post_login(client, "caseworker", "wrong")
    response = post_login(client, "caseworker", "s3cret-pass")
    assert response.status_code == 429
    assert "账户已被锁定" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_four_failures_do_not_lock(client, caseworker):
    for _attempt in range(4):
        post_login(client, "caseworker", "wrong")
    assert post_login(client, "caseworker", "s3cret-pass").status_code == 302


def test_the_lock_is_per_account(client, caseworker, approver):
    for _attempt in range(5):
        post_login(client, "caseworker", "wrong")
    assert post_login(client, "approver", "s3cret-pass").status_code == 302


def test_an_admin_unlocks_a_locked_account(client, caseworker, union_admin, rf):
    for _attempt in range(5):
        post_login(client, "caseworker", "wrong")
    assert post_login(client, "caseworker", "s3cret-pass").status_code == 429

    client.force_login(union_admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "unlock", "_selected_action": [caseworker.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "已解锁" in response.content.decode()
    client.logout()

    assert post_login(client, "caseworker", "s3cret-pass").status_code == 302


def test_an_admin_cannot_unlock_an_account_outside_the_scope(client, outsider, union_admin):
    for _attempt in range(5):
        post_login(client, "outsider", "wrong")
    client.force_login(union_admin)
    client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [outsider.pk]})
    client.logout()
    assert post_login(client, "outsider", "s3cret-pass").status_code == 429


def test_the_session_expires_after_eight_idle_hours(client, caseworker):
    post_login(client, "caseworker", "s3cret-pass")
    client.get("/")
    expiry = client.session.get_expiry_date()
    assert timedelta(hours=7, minutes=59) < expiry - timezone.now() <= timedelta(hours=8)


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_requests_push_the_expiry_forward_at_most_once_in_the_refresh_interval(client, caseworker, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    post_login(client, "caseworker", "s3cret-pass")
    client.get("/")
    first = stored_expiry(client)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [query for query in queries if "UPDATE" in query["sql"] and "django_session" in query["sql"]]
    assert stored_expiry(client) == first
    later = timezone.now() + timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 1)
    with (
        mock.patch("hardship.middleware.time.time", return_value=later.timestamp()),
        mock.patch("django.utils.timezone.now", return_value=later),
    ):
        response = client.get("/")
    assert stored_expiry(client) - first >= timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600


def test_an_anonymous_request_makes_no_session(client, db):
    client.get("/healthz/")
    client.get("/accounts/login/")
    assert Session.objects.count() == 0


def test_logout_needs_a_post(client, caseworker):
    client.force_login(caseworker)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_logout_is_protected_by_csrf(caseworker):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(caseworker)
    assert csrf_client.post("/accounts/logout/").status_code == 403


def test_a_user_changes_the_password(client, caseworker):
    client.force_login(caseworker)
    page = client.get("/accounts/password/")
    assert "修改密码" in page.content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "s3cret-pass",
            "new_password1": "Yuyao-2026-safe",
            "new_password2": "Yuyao-2026-safe",
        },
    )
    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.check_password("Yuyao-2026-safe")


def test_a_wrong_old_password_is_refused_in_chinese(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "Yuyao-2026-safe", "new_password2": "Yuyao-2026-safe"},
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()


def test_unlock_is_an_action_of_the_user_admin():
    assert "unlock" in UserAdmin.actions


@pytest.mark.parametrize("path", ["/", "/accounts/password/"])
def test_anonymous_visitors_are_sent_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_user_creation_needs_an_organization(db):
    with pytest.raises(Exception):  # noqa: B017 - the database refuses a user without a union
        User.objects.create(username="orphan")


def test_factory_users_have_hashed_passwords(tree):
    user = UserFactory(organization=tree["county"])
    assert user.check_password("s3cret-pass")
