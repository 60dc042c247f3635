"""The application list and the aid inbox name the household by its head, and say each application's status and next
step; the beneficiary is named beside it."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from programs.services.applications import application_submit
from tests.programs.helpers import apply


@pytest.fixture
def for_the_spouse(illness_program, active_file, caseworker):
    household = active_file.household
    draft = apply(
        illness_program, household, caseworker, beneficiary=household.members.get(name="李娜"),
        disease=illness_program.diseases.get(name="恶性肿瘤"), out_of_pocket_cost=Decimal("30000"),
    )  # fmt: skip
    return application_submit(application=draft, by=caseworker)


def first_row(html, testid):
    table = html.split(f'data-testid="{testid}"')[1]
    return table.split("<tbody>")[1].split("</tr>")[0]


def cell(row, testid):
    return re.sub(r"<[^>]+>", "", row.split(f'data-testid="{testid}"')[1].split("</td>")[0]).strip(" >\n")


@pytest.mark.parametrize(("url", "testid"), [("/aid/", "application-table"), ("/aid/inbox/", "aid-inbox")])
def test_it_names_the_head_and_says_status_and_next_step(client, for_the_spouse, approver, url, testid):
    client.force_login(approver)
    row = first_row(client.get(url).content.decode(), testid)
    assert cell(row, "row-name") == "张伟"
    with translation.override("zh-hans"):  # the wording is another concern's: the words come from the model
        assert cell(row, "row-status") == for_the_spouse.get_status_display()
        assert cell(row, "row-next") == str(for_the_spouse.next_step)
    assert "李娜" in row and for_the_spouse.household.code not in row
