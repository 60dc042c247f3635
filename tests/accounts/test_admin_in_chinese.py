"""The admin reads Chinese for a union administrator: role names, the role picker, the filters and Django's own texts."""

import json
import re
from pathlib import Path

import django
import pytest

from accounts.roles import Role
from tests.test_translations import english_phrases

ROLE_CODES = [role.value for role in Role]
SELECT_FILTER_JS = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js" / "SelectFilter2.js"


def option_texts(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S).group(0)
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def test_it_names_the_roles_in_chinese_on_the_user_change_page(client, union_admin, caseworker):
    client.force_login(union_admin)
    html = client.get(f"/admin/accounts/user/{caseworker.pk}/change/").content.decode()
    assert sorted(option_texts(html, "groups")) == sorted(str(role.label) for role in Role)
    assert 'data-field-name="角色"' in html
    assert english_phrases(html) == []
    visible = " ".join(option_texts(html, "groups"))
    assert not any(code in visible for code in ROLE_CODES)


def test_it_names_the_roles_in_chinese_in_the_user_list_filter(client, union_admin, caseworker, approver):
    client.force_login(union_admin)
    html = client.get("/admin/accounts/user/").content.decode()
    assert english_phrases(html) == []
    filter_links = re.findall(r'<a href="\?role=(\w+)"[^>]*>(.*?)</a>', html)
    assert dict(filter_links) == {role.value: str(role.label) for role in Role}


def test_the_role_filter_lists_the_people_in_that_role(client, union_admin, caseworker, approver):
    client.force_login(union_admin)
    html = client.get("/admin/accounts/user/?role=approver").content.decode()
    assert ">approver</a>" in html
    assert ">caseworker</a>" not in html


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/add/"])
def test_the_admin_pages_have_no_english_left(client, union_admin, path):
    client.force_login(union_admin)
    assert english_phrases(client.get(path).content.decode()) == []


def test_every_text_of_the_role_picker_is_chinese_in_the_admin_catalogue(client, union_admin):
    """The picker ("Available roles", "Choose all") is drawn by SelectFilter2.js from the /admin/jsi18n/ catalogue."""
    client.force_login(union_admin)
    response = client.get("/admin/jsi18n/")
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S).group(1))
    picker_texts = re.findall(r"""gettext\((['"])(.*?)\1\)""", SELECT_FILTER_JS.read_text())
    assert picker_texts
    missing = [text for _quote, text in picker_texts if not catalogue.get(text.replace('\\"', '"'))]
    assert missing == []


def test_the_admin_catalogue_is_a_script_of_this_site(client, union_admin, caseworker):
    """script-src 'self' lets the page load it: same origin, served as JavaScript."""
    client.force_login(union_admin)
    html = client.get(f"/admin/accounts/user/{caseworker.pk}/change/").content.decode()
    assert '<script src="/admin/jsi18n/"></script>' in html
    assert client.get("/admin/jsi18n/")["Content-Type"].startswith("text/javascript")
