"""My work lists the aid applications that came back to the caseworker who made or sent them, with the reason."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from programs.services.applications import application_decide, application_submit
from programs.services.money import application_approve
from tests.programs.helpers import apply


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


RETURNED = zh(translation.gettext_lazy("Returned for correction"))  # the wording is another concern's
RETURNED_BADGE = re.compile(r'data-testid="nav-badge">(\d+)<span class="visually-hidden"> 条退回给我')


@pytest.fixture
def submitted(illness_program, active_file, caseworker):
    draft = apply(
        illness_program, active_file.household, caseworker,
        disease=illness_program.diseases.get(name="恶性肿瘤"), out_of_pocket_cost=Decimal("30000"),
    )  # fmt: skip
    return application_submit(application=draft, by=caseworker)


def page(client, user, url="/work/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def section(html):
    return html[html.index('data-testid="returned"') : html.index('data-testid="visits-due"')]


def test_a_returned_application_shows_with_its_reason_program_and_head(client, submitted, caseworker, approver):
    # The reason names the illness: health data, which the caseworker sees and the navigation count does not show.
    application_decide(application=submitted, action="return", by=approver, comment="缺恶性肿瘤诊断证明")
    assert RETURNED_BADGE.search(page(client, caseworker, "/")).group(1) == "1"
    returned = section(page(client, caseworker))
    assert "缺恶性肿瘤诊断证明" in returned and submitted.program.name in returned
    assert submitted.household.display_name in returned and RETURNED in returned
    assert f'href="{submitted.get_absolute_url()}"' in returned


def test_a_rejected_application_says_so(client, submitted, caseworker, approver):
    application_decide(application=submitted, action="reject", by=approver, comment="不符合大病救助条件")
    returned = section(page(client, caseworker))
    assert "不符合大病救助条件" in returned and "不予帮扶" in returned


def test_an_approval_does_not_come_back(client, submitted, caseworker, approver):
    application_approve(application=submitted, by=approver)
    assert 'data-testid="returned-item"' not in page(client, caseworker)


def test_an_outsider_sees_nothing_of_it(client, submitted, approver, outsider):
    application_decide(application=submitted, action="return", by=approver, comment="缺恶性肿瘤诊断证明")
    assert "缺恶性肿瘤诊断证明" not in page(client, outsider)
    assert not RETURNED_BADGE.search(page(client, outsider, "/"))
