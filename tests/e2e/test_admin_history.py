"""The county admin's history pages in a browser: the own unions' history reads, the sibling county's is not there,
and there is nothing to revert with."""

import re

import pytest

from accounts.models import Organization
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_the_county_admin_reads_history_but_cannot_revert_or_look_next_door(page, demo_data):
    own = Organization.objects.get(code="330281001")
    sibling = Organization.objects.get(code="330282001")
    log_in(page, "demo_admin")
    page.wait_for_url(re.compile(r"/$"))

    response = page.goto(f"/admin/accounts/organization/{own.pk}/history/")
    assert response.status == 200
    history = page.locator("#change-history")
    assert history.is_visible()
    assert history.locator("a").count() == 0
    assert page.get_by_text("还原").count() == 0
    assert page.get_by_role("button").filter(has_text=re.compile("还原|Revert")).count() == 0

    version = sibling.history.order_by("history_id").first().history_id
    for url in (
        f"/admin/accounts/organization/{sibling.pk}/history/",
        f"/admin/accounts/organization/{sibling.pk}/history/{version}/",
        f"/admin/accounts/organization/{sibling.pk}/change/",
    ):
        assert page.goto(url).status == 404, url
        assert "慈溪" not in page.content()
