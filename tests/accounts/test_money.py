from decimal import Decimal

import pytest

from accounts.templatetags.bangfu import money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.56"), "¥1,234.56"),
        (Decimal("0"), "¥0.00"),
        (Decimal("1234567.5"), "¥1,234,567.50"),
        (Decimal("-20.1"), "-¥20.10"),
        (3000, "¥3,000.00"),
        ("15000.00", "¥15,000.00"),
        (None, ""),
        ("not money", ""),
    ],
)
def test_money_is_shown_in_yuan_with_two_places(value, shown):
    assert money(value) == shown


def test_it_rounds_half_even_like_decimal_quantize():
    assert money(Decimal("0.005")) == "¥0.00"
    assert money(Decimal("0.015")) == "¥0.02"
