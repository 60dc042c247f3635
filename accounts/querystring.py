"""Numbers read straight from the query string (?org=, ?year=, ?program=): junk is treated as absent, never a 500."""

# Primary keys are BigAutoFields; a larger id cannot exist and would overflow SQLite's integer.
IDS = range(1, 2**63)
# Years a filter may name: wide enough for any file's history, narrow enough for `datetime.date`.
YEARS = range(1900, 2101)
# More digits than any value of the ranges above (and far below int()'s 4,300-digit limit).
MAX_DIGITS = 19


def query_number(value: str | None, *, allowed: range) -> int | None:
    """`value` as an int when it is plain ASCII digits within `allowed`, else None ("²" is a digit to str.isdigit)."""
    if not value or len(value) > MAX_DIGITS or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number in allowed else None
