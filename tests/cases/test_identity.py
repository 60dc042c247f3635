from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cases.identity import (
    birth_date_of,
    check_character,
    is_male,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize("number", ["360426199101010071", "120103198806018241", "110101202311012176"])
def test_the_domain_examples_are_valid(number):
    validate_id_number(number)


@pytest.mark.parametrize("number", ["230307196304054513", "360426199101010072"])
def test_the_domain_counter_examples_are_refused_for_their_check_character(number):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == "check"


@pytest.mark.parametrize(
    ("number", "code"),
    [("36042619910101007", "shape"), ("3604261991010100711", "shape"), ("36042619910101007Y", "shape")],
)
def test_bad_shapes_are_refused(number, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == code


def with_check(first_17: str) -> str:
    return first_17 + check_character(first_17)


def test_an_impossible_date_is_refused_even_with_the_right_check_character():
    with pytest.raises(ValidationError) as error:
        validate_id_number(with_check("33028119910230001"))
    assert error.value.code == "date"


def test_unknown_division_codes_and_permits_pass():
    validate_id_number(with_check("99999919910101001"))
    validate_id_number(with_check("81000019910101001"))


def test_a_lowercase_x_is_accepted():
    number = next(
        with_check(f"1101051949100100{i}") for i in range(10) if with_check(f"1101051949100100{i}")[-1] == "X"
    )
    validate_id_number(number.lower())


digits = st.text(alphabet="0123456789", min_size=3, max_size=3)


@given(
    region=st.text(alphabet="0123456789", min_size=6, max_size=6),
    born=st.dates(min_value=date(1920, 1, 1), max_value=date(2024, 12, 31)),
    serial=digits,
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_a_right_check_character_passes_and_any_changed_digit_fails(region, born, serial, position, shift):
    number = with_check(f"{region}{born:%Y%m%d}{serial}")
    validate_id_number(number)
    assert birth_date_of(number) == born
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(changed)


def test_sex_comes_from_the_17th_digit():
    assert is_male("360426199101010071")
    assert not is_male("120103198806018241")


@pytest.mark.parametrize("phone", ["13812345678", "19900000000"])
def test_valid_mobiles(phone):
    validate_mobile(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "abc"])
def test_invalid_mobiles(phone):
    with pytest.raises(ValidationError):
        validate_mobile(phone)


def test_masks_keep_the_ends_only():
    assert mask_id_number("330281198005170011") == "3302**********0011"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == ""
