import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_in_plain_text_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_sets_no_cookie(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert not response.cookies


def test_healthz_answers_head_and_refuses_post(client):
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405
