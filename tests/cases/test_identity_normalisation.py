"""ID numbers and phones are stored in one form (ASCII digits, upper-case X, no spaces) whatever way they are typed."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.errors import DuplicateIdNumber
from cases.identity import normalize_id_number, normalize_phone, validate_id_number, validate_mobile
from cases.models import Household, Member
from tests.cases.factories import make_household, make_id_number, member_values

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def x_id_number() -> str:
    return next(number for number in (make_id_number() for _ in range(40)) if number.endswith("X"))


def full_width(number: str) -> str:
    """As an input method in full-width mode types it, with the spaces a clerk puts in to read it."""
    wide = number.translate(FULL_WIDTH)
    return f"{wide[:6]}\u3000{wide[6:14]} {wide[14:]}"


def test_a_full_width_id_number_normalises_to_ascii():
    number = x_id_number()
    assert normalize_id_number(full_width(number)) == number
    validate_id_number(full_width(number))


def test_a_full_width_phone_normalises_to_ascii():
    assert normalize_phone("１３８ ０５７４ １２３４") == "13805741234"
    validate_mobile("１３８０５７４１２３４")


def test_digits_of_other_scripts_are_refused():
    number = x_id_number()
    with pytest.raises(ValidationError):
        validate_id_number(number[:17].translate(ARABIC_INDIC) + "X")
    with pytest.raises(ValidationError):
        validate_mobile("13" + "805741234".translate(ARABIC_INDIC))


def registration(tree, id_number: str, phone: str, address: str) -> dict:
    return {
        "organization": tree["street_a"].pk, "address": address, "hukou_type": "agricultural",
        "household_type": "migrant_worker",
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-name": "赵强", "members-0-relation": "head", "members-0-id_number": id_number,
        "members-0-phone": phone, "members-0-work_status": "laid_off", "members-0-health": "healthy",
        "members-0-ethnicity": "汉族", "members-0-political_status": "masses", "members-0-monthly_income": "0",
    }  # fmt: skip


def test_the_household_form_stores_a_full_width_number_as_ascii_and_catches_the_duplicate(
    client, standard, caseworker, tree
):
    number = x_id_number()
    client.force_login(caseworker)
    response = client.post(
        "/households/new/", registration(tree, full_width(number), "１３８０５７４１２３４", "文化路8号")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = Member.objects.get()
    assert (member.id_number, member.phone) == (number, "13805741234")
    assert member.birth_date == date(1980, 5, 17)

    response = client.post("/households/new/", registration(tree, number, "13805741234", "文化路9号"))
    assert response.status_code == 200
    assert Household.objects.count() == 1 and Member.objects.count() == 1


def test_the_household_service_normalises_whatever_calls_it(standard, caseworker, tree):
    number = x_id_number()
    make_household(
        tree["street_a"],
        caseworker,
        members=[member_values(id_number=full_width(number), phone="１３８０５７４１２３４")],
    )
    assert Member.objects.get().id_number == number and Member.objects.get().phone == "13805741234"
    with pytest.raises(DuplicateIdNumber):
        make_household(tree["street_a"], caseworker, members=[member_values(id_number=number)])


def test_the_search_box_finds_a_full_width_id_number_and_phone(client, standard, caseworker, tree):
    number = make_id_number()
    household = make_household(
        tree["street_a"], caseworker, members=[member_values(id_number=number, phone="13805741234")]
    )
    client.force_login(caseworker)
    for typed in (full_width(number), "１３８ ０５７４ １２３４"):
        assert household.code in client.get("/households/", {"q": typed}).content.decode(), typed
