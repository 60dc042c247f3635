"""Export the household ledger, import it into an empty union, export again: the same households and members."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils.translation import gettext
from openpyxl import load_workbook

from cases.choices import Relation, WorkStatus
from cases.models import Household, Member
from reports.importing import roster_read, roster_write
from reports.ledgers import HOUSEHOLD_SHEET, MEMBER_SHEET, LedgerScope, write_households
from tests.cases.factories import make_active_file, make_household, make_standard, member_values

# New with every import or every file: the code the system gives, the file's number, the union it now belongs to.
NEW_PER_IMPORT = {"家庭编码", "档案编号", "所属工会"}


@pytest.fixture
def filed_households(tree, caseworker, approver):
    make_standard(tree["province"])
    make_household(tree["street_a"], caseworker)
    members = [
        member_values(name="马文华", ethnicity="回族", phone="13905745678", marital_status="divorced",
                      employer="=余姚塑料厂", is_union_member=True, health="disabled", disability_type="physical",
                      disability_grade=3, monthly_income=Decimal("1850.35"), political_status="cpc"),
        member_values(Relation.CHILD, "马晓燕", date(2006, 2, 14), work_status=WorkStatus.NOT_WORKING_AGE,
                      education_stage="undergraduate", school="宁波大学", health="chronic"),
    ]  # fmt: skip
    make_household(tree["street_a"], caseworker, members=members, address="余姚市阳明街道丰山路8号",
                   hukou_type="agricultural", household_type="migrant_worker", housing_type="public_rental",
                   housing_area=Decimal("38.60"), region_code="330281", bank_name="中国农业银行",
                   bank_branch="余姚支行", bank_account="6228480098765432", can_help_itself=True)  # fmt: skip
    for household in Household.objects.all():
        make_active_file(household, caseworker, approver)


def ledger(organization) -> bytes:
    output = BytesIO()
    write_households(LedgerScope(organization=organization, year=2026, masked=False), output)
    return output.getvalue()


def rows_of(content: bytes, sheet: str, sort_by: str) -> list[dict]:
    worksheet = load_workbook(BytesIO(content))[sheet]
    header, *rows = [list(values) for values in worksheet.iter_rows(values_only=True)]
    records = [{name: value for name, value in zip(header, row, strict=True) if name not in NEW_PER_IMPORT}
               for row in rows]  # fmt: skip
    return sorted(records, key=lambda record: record[sort_by])


def test_the_household_ledger_imports_back_as_the_same_data(tree, caseworker, approver, filed_households):
    first = ledger(tree["street_a"])
    # The same people in another register: the originals leave this one, so their ID numbers are free again.
    Member.objects.update(is_active=False)

    roster = roster_read(BytesIO(first), user=caseworker)
    assert roster.errors == []
    roster_write(roster=roster, organization=tree["street_b"], by=caseworker)
    # The ledger lists filed households: the imported ones are filed the same way before the second export.
    for household in Household.objects.filter(organization=tree["street_b"]):
        make_active_file(household, caseworker, approver)
    second = ledger(tree["street_b"])

    assert len(rows_of(second, HOUSEHOLD_SHEET, "户主身份证号")) == 2
    assert rows_of(second, HOUSEHOLD_SHEET, "户主身份证号") == rows_of(first, HOUSEHOLD_SHEET, "户主身份证号")
    assert len(rows_of(second, MEMBER_SHEET, "身份证号")) == 5
    assert rows_of(second, MEMBER_SHEET, "身份证号") == rows_of(first, MEMBER_SHEET, "身份证号")


def test_a_masked_ledger_is_refused_cell_by_cell(tree, caseworker, filed_households):
    masked = BytesIO()
    write_households(LedgerScope(organization=tree["street_a"], year=2026, masked=True), masked)
    errors = roster_read(masked, user=caseworker).errors
    id_errors = [error for error in errors if error["column"] == "身份证号"]
    masked_message = gettext("This ID number is masked; import a ledger exported with the full numbers.")
    assert len(id_errors) == 5 and {error["message"] for error in id_errors} == {masked_message}
