"""Resident ID numbers (GB 11643-1999), mobile numbers, and how sensitive values are masked."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# ASCII digits only: `\d` would take any script's digits (int() reads them too), so "٣٣٠٢…" would be stored as typed.
ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
MOBILE = re.compile(r"1[3-9][0-9]{9}")
SPACES = re.compile(r"\s+")


def check_character(first_17: str) -> str:
    return CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True)) % 11]


def _folded(value) -> str:
    """Full-width digits and letters as ASCII (NFKC), without any spaces, also inside: how a number is typed or pasted
    must not make a second person of the same one."""
    return SPACES.sub("", unicodedata.normalize("NFKC", str(value or "")))


def normalize_id_number(value: str) -> str:
    """The form every ID number is stored and compared in; every way in (forms, import, search, services) uses it."""
    return _folded(value).upper()


def normalize_phone(value: str) -> str:
    return _folded(value)


def birth_date_of(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def is_male(id_number: str) -> bool:
    return int(id_number[16]) % 2 == 1


def validate_id_number(value: str) -> None:
    """Shape, birth date and check character. Unknown division codes pass: new codes and permits (81/82/83) exist."""
    number = normalize_id_number(value)
    if not ID_SHAPE.fullmatch(number):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."), code="shape")
    try:
        born = birth_date_of(number)
    except ValueError:
        raise ValidationError(_("The birth date in this ID number does not exist."), code="date") from None
    if born > date.today() or born.year < 1900:
        raise ValidationError(_("The birth date in this ID number is not possible."), code="date")
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The last character of this ID number does not match: please check the number."), code="check"
        )


def validate_mobile(value: str) -> None:
    if not MOBILE.fullmatch(normalize_phone(value)):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13 to 19."), code="mobile")


def mask_id_number(value: str) -> str:
    """3302**********1234: the region and the last four, enough to tell people apart on a list."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


def mask_account(value: str) -> str:
    if not value:
        return ""
    return "**** " + value[-4:] if len(value) > 4 else "*" * len(value)
