"""Failed logins lock a username at one address and throttle an address across usernames, for a cool-off."""

import logging
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import RequestFactory
from django.utils import timezone

from accounts.lockout import client_address

LOGIN = "/accounts/login/"
HOME = "127.0.0.10"
STRANGER = "203.0.113.9"


def post_login(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@contextmanager
def clock(moment):
    """The clock read by the app and by django-axes (which imported `now` on its own)."""
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch("axes.handlers.proxy.now", return_value=moment),
    ):
        yield


@pytest.fixture
def spray_limit(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    return 8


@pytest.mark.parametrize("victim", ["caseworker", "union_admin"])
def test_a_strangers_failures_do_not_lock_the_user_out_from_their_own_address(db, client, request, victim):
    request.getfixturevalue(victim)
    for _attempt in range(5):
        post_login(client, victim, "wrong", STRANGER)
    assert post_login(client, victim, "s3cret-pass", STRANGER).status_code == 429
    assert post_login(client, victim, "s3cret-pass", HOME).status_code == 302


def test_five_failures_lock_the_username_at_that_address_and_say_until_when(client, caseworker):
    start = timezone.now().replace(microsecond=0)
    with clock(start):
        responses = [post_login(client, "caseworker", "wrong", HOME) for _attempt in range(5)]
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    page = responses[-1].content.decode()
    until = timezone.localtime(start + timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
    assert "该账户已被锁定（仅限本机）" in page
    assert f"请于 {until} 之后再试（约 30 分钟后）" in page


def test_the_lock_ends_after_the_cool_off(client, caseworker, settings):
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    start = timezone.now()
    with clock(start):
        for _attempt in range(5):
            post_login(client, "caseworker", "wrong", HOME)
    with clock(start + timedelta(minutes=29)):
        assert post_login(client, "caseworker", "s3cret-pass", HOME).status_code == 429
    with clock(start + timedelta(minutes=31)):
        assert post_login(client, "caseworker", "s3cret-pass", HOME).status_code == 302


def test_attempts_during_the_lock_do_not_extend_it(client, caseworker):
    start = timezone.now()
    with clock(start):
        for _attempt in range(5):
            post_login(client, "caseworker", "wrong", HOME)
    with clock(start + timedelta(minutes=20)):
        page = post_login(client, "caseworker", "wrong", HOME).content.decode()
    assert "约 10 分钟后" in page
    with clock(start + timedelta(minutes=31)):
        assert post_login(client, "caseworker", "s3cret-pass", HOME).status_code == 302


def test_spraying_many_usernames_from_one_address_is_throttled(client, caseworker, approver, spray_limit):
    answers = [post_login(client, f"guess{number}", "123456", STRANGER).status_code for number in range(spray_limit)]
    assert answers == [200] * (spray_limit - 1) + [429]
    refused = post_login(client, "approver", "s3cret-pass", STRANGER)
    assert refused.status_code == 429
    assert "本机登录失败次数过多，已暂停从本机登录" in refused.content.decode()
    # Every other address, and every account, is untouched.
    assert post_login(client, "approver", "s3cret-pass", HOME).status_code == 302


def test_a_successful_login_does_not_clear_the_addresss_failures(client, caseworker, spray_limit):
    for number in range(spray_limit - 1):
        post_login(client, f"guess{number}", "123456", STRANGER)
    assert post_login(client, "caseworker", "s3cret-pass", STRANGER).status_code == 302
    client.logout()
    assert post_login(client, "guess-again", "123456", STRANGER).status_code == 429


def test_the_address_throttle_ends_after_the_cool_off(client, caseworker, spray_limit):
    start = timezone.now()
    with clock(start):
        for number in range(spray_limit):
            post_login(client, f"guess{number}", "123456", STRANGER)
    with clock(start + timedelta(minutes=29)):
        assert post_login(client, "caseworker", "s3cret-pass", STRANGER).status_code == 429
    with clock(start + timedelta(minutes=31)):
        assert post_login(client, "caseworker", "s3cret-pass", STRANGER).status_code == 302


def test_the_unlock_is_logged_with_who_unlocked_whom(client, caseworker, union_admin, caplog):
    for _attempt in range(5):
        post_login(client, "caseworker", "wrong", STRANGER)
    client.force_login(union_admin)
    with caplog.at_level(logging.WARNING, logger="accounts.lockout"):
        client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [caseworker.pk]})
    client.logout()

    assert "Login lock of caseworker lifted by union_admin" in caplog.text
    entry = LogEntry.objects.get(object_id=str(caseworker.pk), action_flag=CHANGE)
    assert entry.user == union_admin
    assert entry.change_message == "已解除登录失败锁定"
    assert timezone.now() - entry.action_time < timedelta(minutes=1)
    assert post_login(client, "caseworker", "s3cret-pass", STRANGER).status_code == 302


def test_behind_trusted_proxies_the_address_is_the_one_the_outermost_proxy_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_address(request) == "10.0.0.2"
