"""How a roster is read: the header under a title row, hidden sheets and rows, numbers where text belongs, full-width
digits."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from cases.models import Household, Member
from reports.importing import ImportRefused, roster_read, roster_write
from tests.reports.test_import import (
    HEAD_ID,
    SECOND_HEAD_ID,
    SPOUSE_ID,
    errors_of,
    households,
    roster_bytes,
    with_household,
    with_member,
)

TITLE = "2026年度困难职工家庭花名册（阳明街道）"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def edited(content: bytes, edit) -> bytes:
    workbook = load_workbook(BytesIO(content))
    edit(workbook)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def with_title(workbook) -> None:
    for sheet in ("家庭", "家庭成员"):
        workbook[sheet].insert_rows(1)
        workbook[sheet]["A1"] = TITLE


def test_a_title_row_above_the_header_is_passed_over(db):
    roster = roster_read(BytesIO(edited(roster_bytes(), with_title)))
    assert roster.errors == [] and (len(roster.households), roster.member_count) == (2, 4)


def test_under_a_title_row_errors_name_the_rows_as_excel_shows_them(db):
    content = edited(roster_bytes(member_rows=with_member(0, 手机号码="12345")), with_title)
    assert errors_of(content) == [("家庭成员", 3, "手机号码")]


def test_a_missing_column_is_reported_on_the_header_row_not_the_title(db):
    def rename_name_column(workbook):
        with_title(workbook)
        next(cell for cell in workbook["家庭成员"][2] if cell.value == "姓名*").value = "名字"

    errors = errors_of(edited(roster_bytes(), rename_name_column))
    assert [error for error in errors if error[0] == "家庭成员"] == [("家庭成员", 2, "姓名")]


def test_hidden_rows_are_refused_with_their_numbers(caseworker, tree):
    def hide(workbook):
        workbook["家庭成员"].row_dimensions[3].hidden = True
        workbook["家庭"].row_dimensions[2].hidden = True

    roster = roster_read(BytesIO(edited(roster_bytes(), hide)))
    hidden = [(error["sheet"], error["row"]) for error in roster.errors if "隐藏" in error["message"]]
    assert hidden == [("家庭", 2), ("家庭成员", 3)]
    with pytest.raises(ImportRefused):
        roster_write(roster=roster, organization=tree["street_a"], by=caseworker)
    assert Member.objects.count() == 0


def test_a_hidden_sheet_is_refused_by_name(db):
    def hide(workbook):
        workbook["家庭成员"].sheet_state = "hidden"

    errors = roster_read(BytesIO(edited(roster_bytes(), hide))).errors
    [error] = [error for error in errors if error["sheet"] == "家庭成员"]
    assert "家庭成员" in error["message"] and "隐藏" in error["message"] and error["row"] is None


def test_the_template_s_own_hidden_list_sheet_is_no_error(db):
    assert "选项" in load_workbook(BytesIO(roster_bytes())).sheetnames
    assert errors_of(roster_bytes()) == []


def test_an_id_number_stored_as_a_number_is_refused(db):
    # 3.30281195201139E+17: Excel kept 15 digits; even the exact integer of a valid number is refused.
    exact = next(number for number in (HEAD_ID, SPOUSE_ID, SECOND_HEAD_ID) if number.isdigit())
    for value in (3.30281195201139e17, int(exact)):
        roster = roster_read(BytesIO(roster_bytes(member_rows=with_member(0, 身份证号=value))))
        [error] = roster.errors
        assert (error["sheet"], error["row"], error["column"]) == ("家庭成员", 2, "身份证号")
        assert error["message"] == "请将身份证号列设为文本格式后重新填写"


def test_a_phone_or_bank_card_stored_as_a_number_is_refused(db):
    assert errors_of(roster_bytes(member_rows=with_member(0, 手机号码=13805741234))) == [("家庭成员", 2, "手机号码")]
    rows = with_household(0, 银行卡号=6228480012345678)
    [error] = roster_read(BytesIO(roster_bytes(household_rows=rows))).errors
    assert (error["row"], error["message"]) == (2, "请将银行卡号列设为文本格式后重新填写")


def test_full_width_digits_import_as_ascii_and_the_same_person_is_caught_again(caseworker, tree):
    rows = with_member(
        0, 身份证号=f"{HEAD_ID[:6]} {HEAD_ID[6:]}".translate(FULL_WIDTH), 手机号码="１３８ ０５７４ １２３４"
    )
    roster = roster_read(BytesIO(roster_bytes(member_rows=rows)), user=caseworker)
    assert roster.errors == []
    roster_write(roster=roster, organization=tree["street_a"], by=caseworker)
    head = Member.objects.get(relation="head", household__address=households()[0]["家庭住址"])
    assert (head.id_number, head.phone) == (HEAD_ID, "13805741234")

    again = roster_read(BytesIO(roster_bytes()), user=caseworker).errors
    assert ("家庭成员", 2, "身份证号") in [(error["sheet"], error["row"], error["column"]) for error in again]
    assert Household.objects.count() == 2


def test_a_full_width_and_an_ascii_copy_of_one_number_in_a_file_are_a_duplicate(db):
    rows = with_member(3, 身份证号=HEAD_ID.translate(FULL_WIDTH))
    [error] = roster_read(BytesIO(roster_bytes(member_rows=rows))).errors
    assert (error["row"], error["column"]) == (5, "身份证号") and HEAD_ID in error["message"]
