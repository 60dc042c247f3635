"""The Content-Security-Policy: every response carries it, and no template needs what it forbids (inline scripts,
on*= handlers, style attributes and elements, javascript: URLs)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from accounts.roles import Role
from programs.choices import ProgramKind
from tests.factories import UserFactory
from tests.programs.factories import make_program, make_tiers
from tests.programs.helpers import apply

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_strict(response):
    policy = directives(response)
    for name, value in REQUIRED.items():
        assert policy.get(name) == value, (name, policy)
    assert "unsafe" not in response["Content-Security-Policy"]


def what_the_policy_refuses(html: str) -> list[str]:
    """Inline scripts (json_script's data blocks are not executed), handlers, style attributes and elements."""
    found = []
    for attributes, body in SCRIPT.findall(html):
        is_data = 'type="application/json"' in attributes
        if not is_data and ("src=" not in attributes or body.strip()):
            found.append(f"inline script: {body.strip()[:60]}")
    for tag in TAG.findall(html):
        if HANDLER.search(tag) or STYLE_ATTRIBUTE.search(tag) or "javascript:" in tag.lower():
            found.append(tag[:120])
    if re.search(r"<style\b", html, re.I):
        found.append("<style> element")
    return found


def template_files():
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in ("accounts", "cases", "programs", "reports"))]
    return sorted(file for folder in folders if folder.exists() for file in folder.rglob("*.html"))


@pytest.mark.parametrize("template", template_files(), ids=lambda file: str(file.relative_to(ROOT)))
def test_no_template_has_an_inline_script_handler_or_style(template):
    assert what_the_policy_refuses(template.read_text(encoding="utf-8")) == []


def test_the_scan_finds_what_it_looks_for():
    assert len(what_the_policy_refuses('<button onclick="go()">')) == 1
    assert len(what_the_policy_refuses('<select class="x" onchange="this.form.submit()">')) == 1
    assert len(what_the_policy_refuses('<div style="width: 5%">')) == 1
    assert len(what_the_policy_refuses("<script>alert(1)</script>")) == 1
    assert len(what_the_policy_refuses('<a href="javascript:go()">')) == 1
    assert what_the_policy_refuses('<script src="/static/js/x.js"></script><div data-bar-width="5">') == []
    assert what_the_policy_refuses('<script id="c" type="application/json">{"a": 1}</script>') == []


@pytest.fixture
def everyone(tree):
    user = UserFactory(username="everyone", organization=tree["county"], role=Role.CASEWORKER)
    user.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in Role))
    return user


@pytest.fixture
def pages(active_file, caseworker, tree):
    """The app's pages as a user with every role meets them, with a household, its file and an application."""
    make_tiers()
    program = make_program(tree["county"], ProgramKind.CRITICAL_ILLNESS)
    household = active_file.household
    application = apply(program, household, caseworker, disease=program.diseases.first(), out_of_pocket_cost=Decimal(1))
    return [
        "/",
        "/households/",
        "/households/new/",
        f"/households/{household.pk}/",
        f"/households/{household.pk}/card/",
        f"/households/{household.pk}/edit/",
        f"/files/{active_file.pk}/plan/",
        f"/files/{active_file.pk}/visits/new/",
        "/work/",
        "/inbox/",
        "/programs/",
        f"/programs/{program.pk}/",
        f"/households/{household.pk}/aid/new/",
        f"/households/{household.pk}/aid/new/?program={program.pk}",
        "/aid/",
        "/aid/inbox/",
        f"/aid/{application.pk}/",
        f"/aid/{application.pk}/edit/",
        "/assessment/",
        "/dashboard/",
        "/ledgers/",
        "/imports/",
        "/accounts/password/",
    ]


def test_every_page_sends_the_policy_and_needs_nothing_it_forbids(client, everyone, pages):
    client.force_login(everyone)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        assert what_the_policy_refuses(response.content.decode()) == [], url


def test_the_admin_sends_the_policy(client, tree):
    client.force_login(UserFactory(organization=tree["province"], is_staff=True, is_superuser=True))
    for url in ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/accounts/organization/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_pages_without_a_login_send_the_policy(client, db):
    for url in ["/accounts/login/", "/", "/healthz/"]:
        assert_strict(client.get(url))


def test_error_pages_send_the_policy(client, caseworker):
    client.force_login(caseworker)
    assert_strict(client.get("/households/999999/"))  # 404
    assert_strict(client.get("/aid/999999/do/submit/"))  # 405
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(caseworker)
    assert_strict(csrf_client.post("/accounts/logout/"))  # 403


def test_the_locked_out_page_sends_the_policy(client, caseworker):
    for _attempt in range(5):
        response = client.post("/accounts/login/", {"username": "caseworker", "password": "wrong"})
    assert response.status_code == 429
    assert_strict(response)


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [path("crash/", crash), path("", include(django_settings.ROOT_URLCONF))]


@pytest.mark.urls(__name__)
def test_the_server_error_page_sends_the_policy(client, db):
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    assert_strict(response)


def test_a_view_that_sets_its_own_policy_keeps_it(rf):
    from csp.middleware import CSPMiddleware

    def download(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = "sandbox"
        return response

    response = CSPMiddleware(download)(rf.get("/"))
    assert response["Content-Security-Policy"] == "sandbox"
