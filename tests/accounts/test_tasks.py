from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import sessions_clear_expired


def make_session(expire_date):
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expire_date)
    return store.session_key


def test_it_deletes_expired_sessions_only(db):
    expired = make_session(timezone.now() - timedelta(minutes=1))
    live = make_session(timezone.now() + timedelta(hours=1))

    assert sessions_clear_expired.delay().get() == 1

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()


def test_running_it_twice_is_harmless(db):
    make_session(timezone.now() - timedelta(minutes=1))
    sessions_clear_expired.delay()
    assert sessions_clear_expired.delay().get() == 0
