"""An ID number that a current member already holds: the household is named inside the user's scope; outside it the
user learns only that the number cannot be used, in forms and imports alike; every attempt is logged, masked."""

import logging
from io import BytesIO

import pytest

from cases.errors import DuplicateIdNumber
from cases.identity import mask_id_number
from reports.importing import roster_read
from tests.cases.factories import make_household, member_values
from tests.reports.test_import import roster_bytes, with_member

UNUSABLE = "该身份证号 {} 无法使用，如有疑问请联系县(区)总工会。"


@pytest.fixture
def registered(household):
    return household.members.get(relation="head")


def register_again(union, by, id_number):
    with pytest.raises(DuplicateIdNumber) as error:
        make_household(union, by, members=[member_values(id_number=id_number)], address="慈溪市浒山街道某路1号")
    return error.value.message


def test_it_tells_an_outsider_only_that_the_number_cannot_be_used(registered, outsider, tree):
    message = register_again(tree["sibling_street"], outsider, registered.id_number)
    assert message == UNUSABLE.format(registered.id_number)


def test_it_names_the_household_inside_the_scope(registered, caseworker, tree):
    message = register_again(tree["street_b"], caseworker, registered.id_number)
    assert registered.household.code in message and registered.household.address in message


def test_it_logs_who_tried_from_which_union_with_the_number_masked(registered, outsider, tree, caplog):
    with caplog.at_level(logging.WARNING, logger="cases.services.households"):
        register_again(tree["sibling_street"], outsider, registered.id_number)
    [record] = [record for record in caplog.records if record.name == "cases.services.households"]
    line = record.getMessage()
    assert "outsider" in line and tree["sibling_county"].code in line and "outside" in line
    assert mask_id_number(registered.id_number) in line
    assert registered.id_number not in caplog.text


def test_the_import_tells_an_outsider_the_same(registered, outsider):
    content = roster_bytes(member_rows=with_member(2, 身份证号=registered.id_number))
    [error] = roster_read(BytesIO(content), user=outsider).errors
    assert error["message"] == UNUSABLE.format(registered.id_number)


def test_the_import_names_the_household_inside_the_scope(registered, caseworker):
    content = roster_bytes(member_rows=with_member(2, 身份证号=registered.id_number))
    [error] = roster_read(BytesIO(content), user=caseworker).errors
    assert registered.household.code in error["message"]


def test_the_registration_form_shows_the_outsider_the_message(client, registered, outsider, tree):
    client.force_login(outsider)
    data = {
        "organization": tree["sibling_street"].pk, "address": "慈溪市浒山街道某路1号", "hukou_type": "non_agricultural",
        "household_type": "urban_worker", "members-TOTAL_FORMS": 1, "members-INITIAL_FORMS": 0,
        "members-0-name": "张伟", "members-0-id_number": registered.id_number, "members-0-relation": "head",
        "members-0-work_status": "employed", "members-0-ethnicity": "汉族", "members-0-political_status": "masses",
        "members-0-health": "healthy", "members-0-monthly_income": "0",
    }  # fmt: skip
    html = client.post("/households/new/", data, follow=True).content.decode()
    assert UNUSABLE.format(registered.id_number) in html
    assert registered.household.address not in html
