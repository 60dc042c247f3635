"""With DEBUG off, every error page is Chinese and looks like the site (its stylesheet and red bar)."""

import pytest
from django.test import Client

from tests.test_translations import english_phrases

TITLES = {400: "请求有误", 403: "无权操作", 404: "页面不存在", 500: "系统出错了"}


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"


def assert_site_error_page(html: str, title: str):
    assert title in html
    assert 'class="navbar bf-navbar' in html or 'class="navbar navbar-expand-lg bf-navbar' in html
    assert "css/bangfu.css" in html
    assert 'data-testid="error-page"' in html
    assert english_phrases(html) == []


@pytest.mark.parametrize("code", [400, 403, 404, 500])
def test_it_shows_each_error_in_chinese_in_the_site_layout(db, code):
    client = Client(raise_request_exception=False)
    response = client.get(f"/fail/{code}/")
    assert response.status_code == code
    assert_site_error_page(response.content.decode(), TITLES[code])


@pytest.mark.parametrize("code", [400, 403, 404])
def test_a_signed_in_person_keeps_the_menu_on_an_error_page(client, caseworker, code):
    client.force_login(caseworker)
    html = client.get(f"/fail/{code}/").content.decode()
    assert 'data-testid="nav-user"' in html
    assert_site_error_page(html, TITLES[code])


def test_an_unknown_address_gets_the_chinese_404(client, caseworker):
    client.force_login(caseworker)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_site_error_page(response.content.decode(), TITLES[404])


def test_the_500_page_needs_no_request(db):
    from django.template.loader import render_to_string

    assert_site_error_page(render_to_string("500.html"), TITLES[500])


def test_a_form_without_its_csrf_token_gets_the_chinese_page(caseworker):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "caseworker", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_site_error_page(html, "表单已失效")
    assert "刷新后重新提交" in html
