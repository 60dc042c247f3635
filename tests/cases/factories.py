from datetime import date
from decimal import Decimal

from cases.choices import Cause, FilingLevel, Relation, WorkStatus
from cases.identity import check_character
from cases.models import LocalStandard
from cases.services.files import file_apply, file_transition
from cases.services.households import Finances, household_create

_sequence = iter(range(10**6))


def make_id_number(born: date = date(1980, 5, 17), region: str = "330281", male: bool = True) -> str:
    serial = next(_sequence) % 500 * 2 + (1 if male else 0)
    first_17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first_17 + check_character(first_17)


def make_standard(organization, year=2026, dibao="1000.00", wage="2000.00", **extra):
    return LocalStandard.objects.create(
        organization=organization, year=year, dibao_line=Decimal(dibao), minimum_wage=Decimal(wage), **extra
    )


def member_values(relation=Relation.HEAD, name="张伟", born=date(1980, 5, 17), **extra):
    values = {
        "name": name,
        "id_number": make_id_number(born),
        "relation": relation,
        "work_status": WorkStatus.EMPLOYED,
    }
    values.update(extra)
    return values


def make_household(organization, by, members=None, **fields):
    values = {"address": "余姚市阳明街道新建路12号", "hukou_type": "non_agricultural", "household_type": "urban_worker"}
    values.update(fields)
    members = members or [
        member_values(),
        member_values(Relation.SPOUSE, "李娜", date(1982, 3, 2)),
        member_values(Relation.CHILD, "张小雨", date(2008, 9, 1), work_status=WorkStatus.NOT_WORKING_AGE),
    ]
    return household_create(organization=organization, by=by, fields=values, members=members)


LOW_INCOME = Finances(wages=Decimal("24000"))  # 3 people: 666.67 a month each, below a 1000 line


def make_file(household, by, finances=LOW_INCOME, today=date(2026, 3, 2), **extra):
    details = {
        "level": FilingLevel.COUNTY,
        "primary_cause": Cause.SERIOUS_ILLNESS,
        "secondary_causes": [Cause.SCHOOLING],
        "contact_person": by,
    }
    details.update(extra)
    return file_apply(household=household, by=by, finances=finances, today=today, **details)


def make_active_file(household, caseworker, approver):
    """Walk a file through the whole filing workflow in 2026: notice 2 to 6 March, approved 9 March."""
    file = make_file(household, caseworker)
    file = file_transition(file=file, action="first_review", by=caseworker, today=date(2026, 3, 2))
    file = file_transition(
        file=file, action="home_check", by=caseworker, authorization_signed=True, today=date(2026, 3, 2)
    )
    file = file_transition(
        file=file, action="start_notice", by=caseworker, notice_start=date(2026, 3, 2), notice_end=date(2026, 3, 6),
        today=date(2026, 3, 2),
    )  # fmt: skip
    return file_transition(file=file, action="approve", by=approver, today=date(2026, 3, 9))
