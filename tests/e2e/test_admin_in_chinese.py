"""The county admin opens a person's account in a browser: the role picker, drawn by the admin's JavaScript under the
Content-Security-Policy, reads Chinese and names the roles in Chinese."""

import re

import pytest

from accounts.models import User
from tests.e2e.conftest import log_in
from tests.test_translations import english_phrases

pytestmark = pytest.mark.e2e


def test_the_role_picker_reads_chinese(page, demo_data):
    caseworker = User.objects.get(username="demo_caseworker")
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    log_in(page, "demo_admin")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/admin/accounts/user/")
    page.get_by_role("link", name="demo_caseworker", exact=True).click()
    page.wait_for_url(re.compile(rf"/admin/accounts/user/{caseworker.pk}/change/$"))

    picker = page.locator(".selector")
    picker.wait_for()
    text = picker.inner_text()
    assert "可用 角色" in text and "选中的 角色" in text
    assert "全部选择角色" in text and "全部移除角色" in text
    assert "帮扶工作人员" in page.locator("#id_groups_to").inner_text()
    assert re.search(r"\b(caseworker|approver|leader|admin)\b", text) is None
    assert page.locator("#id_groups_input").get_attribute("placeholder") == "过滤"
    assert english_phrases(page.content()) == []
    assert blocked == []
