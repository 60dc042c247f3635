"""Working days (工作日) for public notices: Monday to Friday, less public holidays, plus the weekend days the State
Council makes working days (调休上班). The calendar is entered each year from the State Council's notice."""

from datetime import date, timedelta


def _days(year: int, *spans: tuple[int, int, int] | tuple[int, int]) -> set[date]:
    """(month, day) or (month, first day, last day) of one year, as dates."""
    days = set()
    for span in spans:
        month, first, last = span if len(span) == 3 else (*span, span[1])
        days.update(date(year, month, day) for day in range(first, last + 1))
    return days


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


PUBLIC_HOLIDAYS = (
    _days(2024, (1, 1), (2, 10, 17), (4, 4, 6), (5, 1, 5), (6, 10), (9, 15, 17), (10, 1, 7))
    | _days(2025, (1, 1), (4, 4, 6), (5, 1, 5), (10, 1, 8))
    | _span(date(2025, 1, 28), date(2025, 2, 4))
    | _span(date(2025, 5, 31), date(2025, 6, 2))
    | _days(2026, (1, 1, 3), (2, 15, 23), (4, 4, 6), (5, 1, 5), (6, 19, 21), (9, 25, 27), (10, 1, 7))
)
MAKE_UP_WORKING_DAYS = (
    _days(2024, (2, 4), (2, 18), (4, 7), (4, 28), (5, 11), (9, 14), (9, 29), (10, 12))
    | _days(2025, (1, 26), (2, 8), (4, 27), (9, 28), (10, 11))
    | _days(2026, (1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10))
)


def is_working_day(day: date) -> bool:
    if day in MAKE_UP_WORKING_DAYS:
        return True
    return day.weekday() < 5 and day not in PUBLIC_HOLIDAYS


def nth_working_day(start: date, n: int) -> date:
    """The date on which a notice that starts on `start` has lasted `n` working days (start counts if working)."""
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == n:
                return day
        day += timedelta(days=1)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")
