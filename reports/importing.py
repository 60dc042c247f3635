"""Household rosters (家庭花名册) from Excel: the template, the check of every cell, a marked copy of a file with
errors, and the commit that writes every household through `household_create` in one transaction, or nothing.

The layout is two sheets linked by a household key: 家庭 (one row per household) and 家庭成员 (one row per member).
Headers are the Chinese wording of the national file form whatever the UI language: they are the file format.
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.errors import DomainError
from cases.choices import (
    DisabilityGrade,
    DisabilityType,
    EducationStage,
    Health,
    HouseholdType,
    HousingType,
    HukouType,
    MaritalStatus,
    PoliticalStatus,
    Relation,
    Sex,
    WorkStatus,
)  # fmt: skip
from cases.identity import (
    birth_date_of,
    is_male,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_mobile,
)
from cases.models import Household, Member
from cases.services.households import household_create, id_number_clash
from reports.xlsx import DATE_FORMAT, FORMULA_STARTS, open_book
from reports.xlsx_reading import SheetTooBig, is_hidden, open_workbook
from reports.xlsx_reading import sheet_rows as xml_rows

HOUSEHOLD_SHEET = "家庭"
MEMBER_SHEET = "家庭成员"
HELP_SHEET = "填写说明"
LISTS_SHEET = "选项"
KEY_HEADER = "户序号"
# The household ledger names its key and a few columns differently; they read as the same column.
KEY_ALIASES = ("家庭编码", "户编号", "户编码", "家庭编号", "户号")
HEADER_SEARCH_ROWS = 5  # a title row or two may sit above the headers
READ_COLUMNS = 64  # the header is looked for in these; the household ledger has 40 columns
PREVIEW_VISITS = 200  # row elements the preview on the page looks through at most
TEMPLATE_ROWS = 500  # rows that carry the dropdowns in the template
CHUNK = 500
ERROR_FILL = "#FFC7CE"
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}
# Wordings of the national form's lists that differ from ours.
SYNONYMS = {"下(待)岗": "laid_off", "失(无)业": "unemployed", "良好": "healthy"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text, code, choice, decimal, bool, date, id_number, mobile
    required: bool = False
    choices: type[models.Choices] | None = None
    aliases: tuple[str, ...] = ()
    width: int = 12
    # Excel keeps 15 significant digits of a number: an ID number typed as one has lost its last digits.
    text_only: bool = False


HOUSEHOLD_COLUMNS = [
    Column(KEY_HEADER, "key", "code", True, aliases=KEY_ALIASES),
    Column("家庭住址", "address", required=True, width=30),
    Column("户口类型", "hukou_type", "choice", True, HukouType),
    Column("家庭类型", "household_type", "choice", True, HouseholdType, aliases=("困难职工类型",), width=16),
    Column("户口所在地行政区划", "region_code", "code", width=18),
    Column("住房类型", "housing_type", "choice", False, HousingType),
    Column("建筑面积(平方米)", "housing_area", "decimal", width=16),
    Column("开户银行", "bank_name"),
    Column("支行名称", "bank_branch", width=16),
    Column("银行卡号", "bank_account", "code", width=22, text_only=True),
    Column("是否有一定自救能力", "can_help_itself", "bool", width=18),
    Column("备注", "notes", width=24),
]
MEMBER_COLUMNS = [
    Column(KEY_HEADER, "key", "code", True, aliases=KEY_ALIASES),
    Column("姓名", "name", required=True),
    Column("与户主关系", "relation", "choice", True, Relation, aliases=("关系",)),
    Column("身份证号", "id_number", "id_number", True, aliases=("身份证号码",), width=22, text_only=True),
    Column("出生日期", "birth_date", "date"),
    Column("性别", "sex", "choice", False, Sex, width=8),
    Column("民族", "ethnicity", width=8),
    Column("政治面貌", "political_status", "choice", False, PoliticalStatus),
    Column("婚姻状况", "marital_status", "choice", False, MaritalStatus),
    Column("工作状态", "work_status", "choice", True, WorkStatus, width=16),
    Column("工作单位", "employer", width=24),
    Column("是否工会会员", "is_union_member", "bool"),
    Column("手机号码", "phone", "mobile", aliases=("手机号",), width=14, text_only=True),
    Column("健康状况", "health", "choice", False, Health),
    Column("残疾类别", "disability_type", "choice", False, DisabilityType),
    Column("残疾等级", "disability_grade", "choice", False, DisabilityGrade),
    Column("就读阶段", "education_stage", "choice", False, EducationStage, aliases=("教育阶段",)),
    Column("学校", "school", aliases=("单位或学校",), width=20),
    Column("月收入(元)", "monthly_income", "decimal", aliases=("月收入",)),
]
CHECKED_ONLY = {"key", "birth_date", "sex"}  # the key links rows; birth date and sex are compared with the ID
SHEETS = {HOUSEHOLD_SHEET: (HOUSEHOLD_COLUMNS, Household), MEMBER_SHEET: (MEMBER_COLUMNS, Member)}
# The household ledger's first sheet carries the same household columns.
SHEET_ALIASES = {HOUSEHOLD_SHEET: ("困难职工家庭台账",), MEMBER_SHEET: ()}


class CellError(Exception):
    pass


def _zh_labels(choices) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


def _normal(text) -> str:
    text = str(text or "").replace("（", "(").replace("）", ")")
    return re.sub(r"[\s*＊]", "", text).casefold()


def template_headers(columns: list[Column]) -> list[str]:
    return [f"{column.header}*" if column.required else column.header for column in columns]


# ---- the template -------------------------------------------------------------------------------------------------


def template_workbook() -> bytes:
    workbook = Workbook()
    help_sheet = workbook.active
    help_sheet.title = HELP_SHEET
    help_sheet.column_dimensions["A"].width = 110
    for line in _help_lines():
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=14)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    for name, (columns, _model) in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(template_headers(columns))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            sheet.cell(1, index).font = Font(bold=True, color="C00000" if column.required else "000000")
            if column.kind in ("code", "id_number", "mobile", "text"):
                sheet.column_dimensions[letter].number_format = "@"  # long digit strings stay text
            allowed = _zh_labels(column.choices) if column.choices else ["是", "否"] if column.kind == "bool" else []
            if not allowed:
                continue
            list_column += 1
            list_letter = get_column_letter(list_column)
            for row, label in enumerate(allowed, start=1):
                lists.cell(row, list_column, label)
            source = f"='{LISTS_SHEET}'!${list_letter}$1:${list_letter}${len(allowed)}"
            rule = DataValidation(type="list", formula1=source, allow_blank=not column.required, showErrorMessage=True)
            rule.error = _("Choose a value from the list.")
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    workbook.active = 1
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _help_lines() -> list[str]:
    return [
        _("Household roster: how to fill it in"),
        _("Sheet 家庭 has one row per household; sheet 家庭成员 has one row per member, including the head."),
        _("The column 户序号 links members to their household: any number or text, once per household on 家庭."),
        _("Columns marked * are required. Choose list values from the dropdowns; type ID numbers as text."),
        _("Every household has exactly one member whose relation is 户主 (head of household)."),
        _("Birth date and sex are read from the ID number; if you fill them in they must agree with it."),
        _("Income and floor area are numbers of at least 0; dates as 2024-03-01."),
        _("Nothing is written until every row is correct: the check lists each error with its row and column."),
    ]


# ---- reading and checking -----------------------------------------------------------------------------------------


@dataclass
class RosterHousehold:
    key: str
    row: int
    cell: str
    fields: dict
    members: list[tuple[int, dict]] = field(default_factory=list)
    head_rows: list[tuple[int, str]] = field(default_factory=list)  # counted also on rows with other errors


@dataclass
class Roster:
    households: list[RosterHousehold] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    sheet_names: dict[str, str] = field(default_factory=dict)  # our name -> the name in the file

    @property
    def member_count(self) -> int:
        return sum(len(household.members) for household in self.households)

    def add_error(self, sheet: str, row: int | None, column: str, message: str, cell: str = "") -> None:
        self.errors.append(
            {
                "sheet": self.sheet_names.get(sheet, sheet),
                "row": row,
                "column": column,
                "message": str(message),
                "cell": cell,
            }
        )


def _header_positions(values, columns: list[Column]) -> dict[str, int] | None:
    names = {_normal(value): index for index, value in enumerate(values) if value not in (None, "")}
    key_names = {_normal(name) for name in (KEY_HEADER, *KEY_ALIASES)}
    if not names.keys() & key_names:
        return None
    positions = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            if _normal(name) in names:
                positions[column.field] = names[_normal(name)]
                break
    return positions


def last_row() -> int:
    return settings.IMPORT_MAX_ROWS


def _find_sheet(workbook, sheet: str):
    names = [name for name in (sheet, *SHEET_ALIASES[sheet]) if name in workbook.sheetnames]
    return workbook[names[0]] if names else None


def sheet_rows(workbook, sheet: str, roster: Roster):
    """(row number, {field: (raw value, cell)}) for every non-empty row below the header row.

    The header is the first row, among the first few that hold anything, with the key column: a title above it is
    passed over. Hidden sheets and hidden rows are refused, not imported unseen."""
    columns = SHEETS[sheet][0]
    worksheet = _find_sheet(workbook, sheet)
    if worksheet is None:
        roster.add_error(sheet, None, "", _("The workbook has no sheet named %(sheet)s.") % {"sheet": sheet})
        return
    roster.sheet_names[sheet] = worksheet.title
    if is_hidden(worksheet):
        roster.add_error(sheet, None, "", _("The sheet %(sheet)s is hidden; show it in Excel (or delete it) and "
                                            "upload the file again.") % {"sheet": worksheet.title})  # fmt: skip
        return
    positions, searched = None, 0
    try:
        for row in xml_rows(worksheet, columns=READ_COLUMNS, last_row=last_row()):
            if row.is_empty:
                continue
            if positions is None:
                searched += 1
                positions = _header_positions(row.values, columns)
                if positions is None:
                    if searched < HEADER_SEARCH_ROWS:
                        continue
                    break
                missing = [column.header for column in columns if column.required and column.field not in positions]
                for header in missing:
                    roster.add_error(sheet, row.number, header, _("This required column is missing."))
                if missing:
                    return
                if row.hidden:
                    _hidden_row(roster, sheet, row.number)
                continue
            if row.hidden:
                _hidden_row(roster, sheet, row.number)
                continue
            yield row.number, {name: (row.values[index], f"{get_column_letter(index + 1)}{row.number}")
                               for name, index in positions.items()}  # fmt: skip
    except SheetTooBig as error:
        roster.add_error(sheet, None, "", error.message)
        return
    if positions is None:
        roster.add_error(sheet, None, KEY_HEADER, _("No header row with the column %(column)s was found.")
                         % {"column": KEY_HEADER})  # fmt: skip


def _hidden_row(roster: Roster, sheet: str, number: int) -> None:
    message = _("This row is hidden in Excel; show it (or delete it) and upload the file again.")
    roster.add_error(sheet, number, "", message, f"A{number}")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


@functools.cache
def _choice_words(choices, language: str | None) -> dict[str, str]:
    """Every word a cell may use for a choice (Chinese label, label in the UI language, code, synonym) → its code.
    Built once per choice list and language, not once per cell (it was two thirds of reading a roster)."""
    with translation.override("zh-hans"):
        words = {_normal(label): code for code, label in choices.choices}
    with translation.override(language):
        words.update({_normal(label): code for code, label in choices.choices})
    words.update({_normal(code): code for code in choices.values})
    words.update({_normal(word): code for word, code in SYNONYMS.items() if code in choices.values})
    return words


def _choice(column: Column, value: str):
    wanted = _normal(value)
    labels = _choice_words(column.choices, translation.get_language())
    if wanted not in labels:
        raise CellError(_("“%(value)s” is not on the list of this column: %(allowed)s.")
                        % {"value": value, "allowed": "、".join(_zh_labels(column.choices))})  # fmt: skip
    return labels[wanted]


def _decimal(value) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(_("This is not a number.")) from None
    if not number.is_finite() or abs(number) >= Decimal("100000000"):
        raise CellError(_("This is not a number."))
    if number < 0:
        raise CellError(_("This number cannot be negative."))
    return number


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    digits = re.fullmatch(r"(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?", _text(value))
    if digits is None:
        raise CellError(_("Write the date as 2024-03-01."))
    try:
        day = date(*(int(part) for part in digits.groups()))
    except ValueError:
        raise CellError(_("This date does not exist.")) from None
    if day > date.today() or day.year < 1900:
        raise CellError(_("This date is not possible."))
    return day


def parse_cell(column: Column, value):
    """The stored value of one cell; None for an empty optional cell (the model's default applies)."""
    if column.text_only and isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("Format the column %(column)s as text and fill it in again.") % {"column": column.header})
    text = _text(value)
    if text == "":
        if column.required:
            raise CellError(_("This column is required."))
        return None
    try:
        if column.kind == "choice":
            return _choice(column, text)
        if column.kind == "decimal":
            return _decimal(value)
        if column.kind == "date":
            return _date(value)
        if column.kind == "bool":
            if text.casefold() not in TRUE_WORDS | FALSE_WORDS:
                raise CellError(_("Write 是 or 否."))
            return text.casefold() in TRUE_WORDS
        if column.kind == "id_number":
            if "*" in text:
                raise CellError(_("This ID number is masked; import a ledger exported with the full numbers."))
            text = normalize_id_number(text)
            validate_id_number(text)
            return text
        if column.kind == "mobile":
            text = normalize_phone(text)
            validate_mobile(text)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return text


def _parse_row(roster: Roster, sheet: str, row: int, raw: dict) -> dict | None:
    columns, model = SHEETS[sheet]
    values, ok = {}, True
    for column in columns:
        if column.field not in raw:
            continue
        value, cell = raw[column.field]
        try:
            parsed = parse_cell(column, value)
            limit = getattr(_model_field(model, column.field), "max_length", None) or 32
            if isinstance(parsed, str) and len(parsed) > limit:
                raise CellError(_("At most %(limit)d characters.") % {"limit": limit})
        except CellError as error:
            roster.add_error(sheet, row, column.header, str(error), cell)
            ok = False
            continue
        if parsed is not None:
            values[column.field] = parsed
    return values if ok else None


def _model_field(model, name):
    return model._meta.get_field(name) if name != "key" else None


def _cell(raw: dict, name: str) -> str:
    return raw[name][1] if name in raw else ""


def _header(columns: list[Column], name: str) -> str:
    return next(column.header for column in columns if column.field == name)


def roster_read(file, *, user=None) -> Roster:
    """Every household and member of the file, and every error with its sheet, row, column and cell.

    `user` words a clash with a registered ID number by scope; None (the command line) may see everything."""
    roster = Roster()
    workbook = open_workbook(file)
    by_key: dict[str, RosterHousehold] = {}
    for row, raw in sheet_rows(workbook, HOUSEHOLD_SHEET, roster):
        values = _parse_row(roster, HOUSEHOLD_SHEET, row, raw) or {}
        key = values.pop("key", None) or _text(raw["key"][0])  # members still find a household with errors
        if key in by_key and by_key[key].fields == values:
            continue  # the ledger lists a household twice when it had two files in the year
        if key in by_key:
            message = _("Household key %(key)s is used twice (also row %(row)d).") % {
                "key": key,
                "row": by_key[key].row,
            }
            roster.add_error(HOUSEHOLD_SHEET, row, KEY_HEADER, message, _cell(raw, "key"))
        elif key:
            by_key[key] = RosterHousehold(key, row, _cell(raw, "key"), values)
    id_cells = _read_members(workbook, roster, by_key)
    workbook.close()
    roster.households = list(by_key.values())
    for household in roster.households:
        _check_heads(roster, household)
    if not roster.households and not roster.errors:
        roster.add_error(HOUSEHOLD_SHEET, None, "", _("The file has no households."))
    _check_registered(roster, id_cells, user)
    members_sheet = roster.sheet_names.get(MEMBER_SHEET, MEMBER_SHEET)
    roster.errors.sort(key=lambda error: (error["sheet"] == members_sheet, error["row"] or 0))
    return roster


def _read_members(workbook, roster: Roster, by_key: dict) -> dict[str, tuple[int, str]]:
    """Add each correct member row to its household; returns the row and cell of each ID number."""
    id_cells: dict[str, tuple[int, str]] = {}
    id_header = _header(MEMBER_COLUMNS, "id_number")
    for row, raw in sheet_rows(workbook, MEMBER_SHEET, roster):
        values = _parse_row(roster, MEMBER_SHEET, row, raw)
        key = _text(raw["key"][0])
        household = by_key.get(key)
        if key and household is None:
            message = _("No household with key %(key)s on the sheet %(sheet)s.") % {
                "key": key,
                "sheet": HOUSEHOLD_SHEET,
            }
            roster.add_error(MEMBER_SHEET, row, KEY_HEADER, message, _cell(raw, "key"))
        if household is not None and _relation(raw) == Relation.HEAD:
            household.head_rows.append((row, _cell(raw, "relation")))
        if values is None:
            continue
        number = values["id_number"]
        if number in id_cells:
            message = _("ID number %(number)s is entered twice (also row %(row)d).") % {
                "number": number, "row": id_cells[number][0]}  # fmt: skip
            roster.add_error(MEMBER_SHEET, row, id_header, message, _cell(raw, "id_number"))
            continue
        id_cells[number] = (row, _cell(raw, "id_number"))
        if not _agrees_with_id(roster, row, raw, values) or household is None:
            continue
        if values.get("health") == Health.DISABLED and not values.get("disability_type"):
            roster.add_error(MEMBER_SHEET, row, _header(MEMBER_COLUMNS, "disability_type"),
                             _("Choose the type of disability."), _cell(raw, "disability_type"))  # fmt: skip
            continue
        household.members.append((row, {name: value for name, value in values.items() if name not in CHECKED_ONLY}))
    return id_cells


def _relation(raw: dict):
    try:
        return parse_cell(MEMBER_COLUMNS[2], raw["relation"][0])
    except CellError:
        return None


def _agrees_with_id(roster: Roster, row: int, raw: dict, values: dict) -> bool:
    number, ok = values["id_number"], True
    if "birth_date" in values and values["birth_date"] != birth_date_of(number):
        roster.add_error(MEMBER_SHEET, row, _header(MEMBER_COLUMNS, "birth_date"),
                         _("The birth date does not agree with the ID number."), _cell(raw, "birth_date"))  # fmt: skip
        ok = False
    if "sex" in values and values["sex"] != (Sex.MALE if is_male(number) else Sex.FEMALE):
        roster.add_error(MEMBER_SHEET, row, _header(MEMBER_COLUMNS, "sex"),
                         _("The sex does not agree with the ID number."), _cell(raw, "sex"))  # fmt: skip
        ok = False
    return ok


def _check_heads(roster: Roster, household: RosterHousehold) -> None:
    heads = household.head_rows
    if not heads:
        message = _("Household %(key)s has no head: one member's relation must be 户主.") % {"key": household.key}
        roster.add_error(HOUSEHOLD_SHEET, household.row, KEY_HEADER, message, household.cell)
    for row, cell in heads[1:]:
        message = _("Household %(key)s has more than one head (also row %(row)d).") % {"key": household.key,
                                                                                       "row": heads[0][0]}  # fmt: skip
        roster.add_error(MEMBER_SHEET, row, _header(MEMBER_COLUMNS, "relation"), message, cell)


def _check_registered(roster: Roster, id_cells: dict[str, tuple[int, str]], user) -> None:
    """A current member anywhere already holds the number: say where only when the user may see it."""
    numbers = list(id_cells)
    header = _header(MEMBER_COLUMNS, "id_number")
    for start in range(0, len(numbers), CHUNK):
        taken = Member.objects.active().filter(id_number__in=numbers[start : start + CHUNK]).select_related("household")
        for member in taken:
            message = id_number_clash(holder=member, user=user)
            row, cell = id_cells[member.id_number]
            roster.add_error(MEMBER_SHEET, row, header, message, cell)


def roster_preview(file, limit: int = 10) -> list[tuple[str, list[str], list[list[str]]]]:
    """The header and first rows of each sheet, as written: what the clerk checks before importing.

    A page, so a bounded one: it looks through at most PREVIEW_VISITS row elements of each sheet."""
    workbook = open_workbook(file)
    preview = []
    for sheet, (columns, _model) in SHEETS.items():
        worksheet = _find_sheet(workbook, sheet)
        header, rows = None, []
        try:
            for visited, row in enumerate(xml_rows(worksheet, columns=READ_COLUMNS, last_row=last_row()) if worksheet
                                          else (), start=1):  # fmt: skip
                if visited > PREVIEW_VISITS or len(rows) >= limit:
                    break
                if row.is_empty:
                    continue
                if header is not None:
                    rows.append(row.values)
                elif _header_positions(row.values, columns) is not None:
                    header = row.values
        except SheetTooBig:
            pass
        if header is not None:
            width = max(index for index, value in enumerate(header) if _text(value)) + 1
            texts = [[_text(value) for value in values[:width]] for values in (header, *rows)]
            preview.append((worksheet.title, texts[0], texts[1:]))
    workbook.close()
    return preview


# ---- the marked copy and the commit -------------------------------------------------------------------------------


def error_workbook(file, errors: list[dict]) -> bytes:
    """The roster's sheets, every bad cell filled red with its message in a comment, after a sheet listing the errors.

    The copy holds what the check read (values of the first READ_COLUMNS columns, rows up to the import's limit), read
    the same bounded way: the upload is never loaded whole, so a crafted file costs the download no more than the
    check. Rows keep their numbers, so the rows and cells the errors name are the copy's."""
    workbook = open_workbook(file)
    marks: dict[str, dict[tuple[int, int], list[str]]] = {}
    for error in errors:
        where = error.get("cell") or (f"A{error['row']}" if error.get("row") else "")
        if where and error.get("sheet"):
            marks.setdefault(error["sheet"], {}).setdefault(coordinate_to_tuple(where), []).append(error["message"])
    output = BytesIO()
    with open_book(output) as book:
        formats = _mark_formats(book)
        summary = book.workbook.add_worksheet(_("Errors")[:31])
        summary.set_column(3, 3, 80)
        summary.write_row(0, 0, [_("Sheet"), _("Row"), _("Column"), _("Error")], book.bold)
        for number, error in enumerate(errors, start=1):
            for index, value in enumerate(
                (error.get("sheet"), error.get("row"), error.get("column"), error.get("message"))
            ):
                _write(summary, number, index, value, formats, marked=False)
        for sheet in SHEETS:
            worksheet = _find_sheet(workbook, sheet)
            if worksheet is not None:
                target = book.workbook.add_worksheet(worksheet.title[:31])
                _copy_marked(worksheet, target, marks.get(worksheet.title, {}), formats)
    workbook.close()
    return output.getvalue()


def _mark_formats(book) -> dict:
    add = book.workbook.add_format
    return {
        (False, "text"): None,
        (False, "quoted"): book.quoted,
        (False, "date"): book.date,
        (True, "text"): add({"bg_color": ERROR_FILL}),
        (True, "quoted"): add({"bg_color": ERROR_FILL, "quote_prefix": True}),
        (True, "date"): add({"bg_color": ERROR_FILL, "num_format": DATE_FORMAT}),
    }


def _copy_marked(worksheet, target, marks: dict, formats: dict) -> None:
    try:
        for row in xml_rows(worksheet, columns=READ_COLUMNS, last_row=last_row()):
            for index, value in enumerate(row.values):
                messages = marks.get((row.number, index + 1))
                if value is None and not messages:
                    continue
                _write(target, row.number - 1, index, value, formats, marked=bool(messages))
                if messages:
                    target.write_comment(row.number - 1, index, "\n".join(messages),
                                         {"author": "Bangfu", "x_scale": 2, "y_scale": 2})  # fmt: skip
    except SheetTooBig:
        pass  # its error is on the list; the copy holds the rows up to the limit


def _write(target, row: int, column: int, value, formats: dict, *, marked: bool) -> None:
    """Each value by its type, text always as text (never a formula), as the ledgers write them."""
    if isinstance(value, bool):
        target.write_boolean(row, column, value, formats[marked, "text"])
    elif isinstance(value, int | float | Decimal):
        target.write_number(row, column, value, formats[marked, "text"])
    elif isinstance(value, datetime | date):
        target.write_datetime(row, column, value, formats[marked, "date"])
    elif value is None or value == "":
        target.write_blank(row, column, None, formats[marked, "text"])
    else:
        text = str(value)
        target.write_string(row, column, text, formats[marked, "quoted" if text[0] in FORMULA_STARTS else "text"])


class ImportRefused(DomainError):
    pass


@transaction.atomic
def roster_write(*, roster: Roster, organization, by) -> list[Household]:
    """Every household or none: a rule broken anywhere rolls the whole file back."""
    if roster.errors:
        raise ImportRefused(_("The file has errors; nothing was imported."))
    created = []
    for household in roster.households:
        try:
            created.append(household_create(organization=organization, by=by, fields=dict(household.fields),
                                             members=[dict(member) for _row, member in household.members]))  # fmt: skip
        except DomainError as error:
            where = {"sheet": HOUSEHOLD_SHEET, "row": household.row, "message": error.message}
            raise ImportRefused(
                _("Sheet %(sheet)s, row %(row)d: %(message)s; nothing was imported.") % where
            ) from error
    return created
