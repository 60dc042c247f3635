"""The three Excel ledgers: sheets, headers, rows, formats, masking by role, formula injection, scoping, the export
log, a query count that does not grow with the rows, and the command that writes the same workbook."""

import io
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.roles import Role
from assessment.services import assessment_execute, assessment_start
from cases.choices import Relation, WorkStatus
from cases.identity import mask_account, mask_id_number, mask_phone
from cases.models import IncomeAssessment, Member
from cases.services.households import Finances, income_assess
from programs.choices import ProgramKind
from programs.services.money import disbursement_record
from reports import ledgers, xlsx
from reports.exports import ledger_export
from reports.models import ExportLog, LedgerKind
from tests.cases.factories import make_active_file, make_household, make_id_number, make_standard, member_values
from tests.factories import UserFactory
from tests.programs.factories import make_program, make_tiers
from tests.programs.helpers import approved_on, grant

YEAR = 2026
PHONE = "13812345678"
ACCOUNT = "6222021234567890123"
INJECTION = '=HYPERLINK("http://evil.example","点击")'
REFERENCE_INJECTION = "=cmd|' /C calc'!A0"


def filed_household(union, caseworker, approver, address="余姚市阳明街道新建路12号"):
    members = [
        member_values(phone=PHONE, employer="阳明光学"),
        member_values(Relation.SPOUSE, "李娜", date(1982, 3, 2), employer="+86 快递站", health="serious"),
        member_values(Relation.CHILD, "张小雨", date(2008, 9, 1), work_status="not_working_age"),
    ]
    household = make_household(
        union, caseworker, members=members, address=address, bank_name="中国工商银行", bank_account=ACCOUNT
    )
    return make_active_file(household, caseworker, approver)


@pytest.fixture
def standard(tree):
    return make_standard(tree["province"])


@pytest.fixture
def outsider_approver(tree):
    return UserFactory(username="outsider_approver", organization=tree["sibling_county"], role=Role.APPROVER)


@pytest.fixture
def files(tree, standard, caseworker, approver):
    """Two files in 余姚: one on a plain street, one whose address would be a formula in Excel."""
    return [
        filed_household(tree["street_a"], caseworker, approver),
        filed_household(tree["street_b"], caseworker, approver, address=INJECTION),
    ]


@pytest.fixture
def outsider_file(tree, standard, outsider, outsider_approver):
    return filed_household(tree["sibling_street"], outsider, outsider_approver, address="慈溪市浒山街道")


@pytest.fixture
def payment(tree, files, caseworker, approver):
    make_tiers()
    program = make_program(tree["county"], ProgramKind.HOLIDAY)
    application = approved_on(grant(program, files[0].household, caseworker, approver), date(YEAR, 6, 1))
    disbursement_record(
        application=application, by=approver, paid_on=date(YEAR, 6, 1), method="bank_transfer",
        reference=REFERENCE_INJECTION,
    )  # fmt: skip
    return application.disbursement


def workbook_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def rows_of(sheet) -> list[dict]:
    values = list(sheet.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def as_written(value):
    """What openpyxl reads back for a value the ledger wrote: "" is an empty cell, a date a datetime, money a number."""
    if value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_read(value):
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def export(kind, organization, user, year=YEAR, via="test", **options) -> bytes:
    target = io.BytesIO()
    ledger_export(kind=kind, organization=organization, year=year, user=user, target=target, via=via, **options)
    return target.getvalue()


def download(client, user, kind, organization, year=YEAR):
    client.force_login(user)
    return client.post("/ledgers/export/", {"kind": kind, "org": organization.pk, "year": year})


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


class TestHouseholdLedger:
    def test_it_has_the_chinese_sheets_and_headers_and_a_row_per_file_with_its_members(
        self, tree, files, payment, caseworker
    ):
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))

        assert book.sheetnames == ["困难职工家庭台账", "家庭成员"]
        assert all(len(name) <= 31 for name in book.sheetnames)
        sheet = book["困难职工家庭台账"]
        assert [cell.value for cell in sheet[1]] == [header for _key, header in ledgers.HOUSEHOLD_COLUMNS]
        rows = rows_of(sheet)
        assert sorted(row["档案编号"] for row in rows) == sorted(file.number for file in files)
        first = next(row for row in rows if row["档案编号"] == files[0].number)
        assert first["户主姓名"] == "张伟"
        assert first["家庭人口"] == 3
        assert first["困难类别"] == "深度困难"
        assert first["主要致困原因"] == "患重特大疾病"
        assert first["档案状态"] == "在档"
        assert first["建档日期"].date() == date(YEAR, 3, 9)
        assert first["帮扶联系责任人"] == str(caseworker)
        assert first["送温暖(元)"] == 1500
        assert first["帮扶金额合计(元)"] == 1500
        assert first["帮扶措施总数"] == 0
        members = rows_of(book["家庭成员"])
        assert [header for _key, header in ledgers.MEMBER_COLUMNS] == list(members[0])
        assert len(members) == 6
        assert {row["与户主关系"] for row in members} == {"户主", "配偶", "子女"}

    def test_the_caseworker_gets_full_ids_phones_accounts_and_health(self, tree, files, caseworker):
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))
        head = Member.objects.get(household=files[0].household, relation="head")
        row = next(row for row in rows_of(book.worksheets[0]) if row["档案编号"] == files[0].number)
        assert (row["户主身份证号"], row["户主手机号码"], row["银行卡号"]) == (head.id_number, PHONE, ACCOUNT)
        spouse = next(row for row in rows_of(book["家庭成员"]) if row["姓名"] == "李娜")
        assert spouse["健康状况"] != ledgers.MASK
        assert ExportLog.objects.get().masked is False

    def test_the_leader_gets_masked_ids_phones_accounts_and_health(self, tree, files, leader):
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], leader))
        head = Member.objects.get(household=files[0].household, relation="head")
        row = next(row for row in rows_of(book.worksheets[0]) if row["档案编号"] == files[0].number)
        expected = (mask_id_number(head.id_number), mask_phone(PHONE), mask_account(ACCOUNT))
        assert (row["户主身份证号"], row["户主手机号码"], row["银行卡号"]) == expected
        members = rows_of(book["家庭成员"])
        assert all("*" in row["身份证号"] for row in members)
        assert {row["健康状况"] for row in members} == {ledgers.MASK}
        assert ExportLog.objects.get().masked is True

    def test_it_carries_sex_birth_date_and_the_latest_per_capita_income_of_the_year(
        self, tree, standard, caseworker, approver
    ):
        members = [
            member_values(
                Relation.HEAD, "王芳", date(1975, 11, 30), id_number=make_id_number(date(1975, 11, 30), male=False)
            ),
            member_values(Relation.SPOUSE, "陈军", date(1973, 1, 8)),
        ]
        household = make_household(tree["street_a"], caseworker, members=members)
        make_active_file(household, caseworker, approver)  # assessed on 2 March: 24,000 a year for 2 = 1,000.00
        income_assess(household=household, by=caseworker, finances=Finances(wages=Decimal("30000")),
                      assessed_on=date(YEAR, 10, 1))  # fmt: skip
        make_standard(tree["province"], year=YEAR + 1)
        income_assess(household=household, by=caseworker, finances=Finances(wages=Decimal("60000")),
                      assessed_on=date(YEAR + 1, 1, 5))  # fmt: skip

        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))
        [row] = rows_of(book[ledgers.HOUSEHOLD_SHEET])
        assert (row["户主性别"], row["户主出生日期"], row["人均月收入(元)"]) == ("女", datetime(1975, 11, 30), 1250)
        members = {row["姓名"]: row for row in rows_of(book[ledgers.MEMBER_SHEET])}
        assert (members["王芳"]["性别"], members["王芳"]["出生日期"]) == ("女", datetime(1975, 11, 30))
        assert (members["陈军"]["性别"], members["陈军"]["出生日期"]) == ("男", datetime(1973, 1, 8))

        next_year = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker, year=YEAR + 1))
        assert rows_of(next_year[ledgers.HOUSEHOLD_SHEET])[0]["人均月收入(元)"] == 2500

    def test_a_masked_ledger_masks_the_birth_dates_as_the_id_numbers_birth_digits(self, tree, files, leader):
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], leader))
        row = next(row for row in rows_of(book.worksheets[0]) if row["档案编号"] == files[0].number)
        assert (row["户主性别"], row["户主出生日期"]) == ("男", ledgers.MASK)
        assert row["人均月收入(元)"] == float(Decimal("666.67"))
        members = rows_of(book[ledgers.MEMBER_SHEET])
        assert {row["出生日期"] for row in members} == {ledgers.MASK}
        assert {row["性别"] for row in members} == {"男"}

    def test_formula_like_text_comes_back_as_a_string_not_a_formula(self, tree, files, caseworker):
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))
        cells = [cell for row in book.worksheets[0].iter_rows(min_row=2) for cell in row if cell.value == INJECTION]
        assert len(cells) == 1
        assert cells[0].data_type == "s" and cells[0].quotePrefix
        employer = [cell for row in book["家庭成员"].iter_rows(min_row=2) for cell in row if cell.value == "+86 快递站"]
        assert employer and all(cell.data_type == "s" for cell in employer)

    def test_an_outsiders_households_never_appear_in_the_county_ledger(self, tree, files, outsider_file, caseworker):
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))
        numbers = {row["档案编号"] for row in rows_of(book.worksheets[0])}
        assert outsider_file.number not in numbers and len(numbers) == 2
        assert "慈溪" not in str([row for row in book["家庭成员"].values])

        province_admin = UserFactory(organization=tree["province"], role=Role.APPROVER)
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["province"], province_admin))
        assert outsider_file.number in {row["档案编号"] for row in rows_of(book.worksheets[0])}

    def test_the_header_is_frozen_filtered_and_sized_and_money_and_dates_are_formatted(self, tree, files, caseworker):
        sheet = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker)).worksheets[0]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}3"
        # The address: 36 characters as Excel shows it (XlsxWriter stores the width with the cell's padding).
        assert int(sheet.column_dimensions["D"].width) == 36
        assert sheet["A1"].font.b
        headers = [cell.value for cell in sheet[1]]
        assert sheet.cell(2, headers.index("帮扶金额合计(元)") + 1).number_format == "#,##0.00"
        assert sheet.cell(2, headers.index("建档日期") + 1).number_format == "yyyy-mm-dd"

    def test_every_column_of_a_file_row_and_a_member_row_holds_its_value(self, tree, files, payment, caseworker):
        """Column by column against the models' own display values (the rows are built as lists in column order)."""
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))
        file = type(files[0]).objects.select_related("household", "organization").get(pk=files[0].pk)
        household = file.household
        head = Member.objects.get(household=household, relation="head")
        expected = {
            "家庭编码": household.code, "档案编号": file.number, "所属工会": file.organization.name,
            "家庭住址": household.address, "户口所在地行政区划": household.region_code,
            "户口类型": household.get_hukou_type_display(), "家庭类型": household.get_household_type_display(),
            "住房类型": household.get_housing_type_display(), "建筑面积(平方米)": household.housing_area,
            "是否有一定自救能力": "否", "开户银行": "中国工商银行", "支行名称": household.bank_branch,
            "银行卡号": ACCOUNT, "户主姓名": "张伟", "户主身份证号": head.id_number, "户主性别": head.get_sex_display(),
            "户主出生日期": head.birth_date, "户主手机号码": PHONE, "家庭人口": 3,
            "人均月收入(元)": IncomeAssessment.objects.filter(household=household).latest().per_capita_monthly,
            "建档标准": file.get_level_display(), "困难类别": file.get_category_display(),
            "主要致困原因": file.get_primary_cause_display(), "次要致困原因": "、".join(file.secondary_cause_labels()),
            "建档类型": file.get_origin_display(), "档案状态": file.get_status_display(),
            "建档日期": file.activated_on, "结档日期": file.closed_on, "帮扶联系责任人": str(caseworker),
            "最近走访日期": None, "下次走访日期": file.next_visit_due, "帮扶措施已完成": 0, "帮扶措施总数": 0,
            **{header: 0 for _key, header in ledgers.AID_COLUMNS}, "送温暖(元)": 1500, "帮扶金额合计(元)": 1500,
        }  # fmt: skip
        assert list(expected) == [header for _key, header in ledgers.HOUSEHOLD_COLUMNS]
        row = next(row for row in rows_of(book[ledgers.HOUSEHOLD_SHEET]) if row["档案编号"] == file.number)
        assert {header: as_read(value) for header, value in row.items()} == {
            header: as_written(value) for header, value in expected.items()
        }

        spouse = Member.objects.get(household=household, relation="spouse")
        expected = {
            "家庭编码": household.code, "姓名": "李娜", "与户主关系": "配偶", "身份证号": spouse.id_number,
            "出生日期": date(1982, 3, 2), "性别": spouse.get_sex_display(), "民族": spouse.ethnicity, "政治面貌": spouse.get_political_status_display(),
            "婚姻状况": spouse.get_marital_status_display(), "工作状态": spouse.get_work_status_display(),
            "健康状况": spouse.get_health_display(), "残疾类别": spouse.get_disability_type_display(),
            "残疾等级": "", "手机号码": spouse.phone, "工作单位": "+86 快递站", "是否工会会员": "否",
            "就读阶段": spouse.get_education_stage_display(), "学校": spouse.school,
            "月收入(元)": spouse.monthly_income,
        }  # fmt: skip
        assert list(expected) == [header for _key, header in ledgers.MEMBER_COLUMNS]
        row = next(row for row in rows_of(book[ledgers.MEMBER_SHEET]) if row["身份证号"] == spouse.id_number)
        assert {header: as_read(value) for header, value in row.items()} == {
            header: as_written(value) for header, value in expected.items()
        }

    def test_digits_and_links_stay_text_and_empty_text_is_an_empty_cell(self, tree, standard, caseworker, approver):
        file = filed_household(tree["street_a"], caseworker, approver, address="http://example.com/户")
        type(file.household).objects.filter(pk=file.household_id).update(region_code="0330281", bank_branch="")
        sheet = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))[ledgers.HOUSEHOLD_SHEET]
        headers = [cell.value for cell in sheet[1]]
        region = sheet.cell(2, headers.index("户口所在地行政区划") + 1)
        address = sheet.cell(2, headers.index("家庭住址") + 1)
        assert (region.value, region.data_type) == ("0330281", "s")
        assert (address.value, address.data_type, address.hyperlink) == ("http://example.com/户", "s", None)
        assert sheet.cell(2, headers.index("支行名称") + 1).value is None

    def test_a_file_closed_before_the_year_is_left_out(self, tree, files, caseworker):
        type(files[0]).objects.filter(pk=files[0].pk).update(closed_on=date(YEAR - 1, 12, 31))
        book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))
        assert [row["档案编号"] for row in rows_of(book.worksheets[0])] == [files[1].number]
        assert {row["家庭编码"] for row in rows_of(book["家庭成员"])} == {files[1].household.code}

    def test_the_query_count_does_not_grow_with_the_rows(self, tree, standard, caseworker, approver,
                                                         django_assert_max_num_queries):  # fmt: skip
        filed_household(tree["street_a"], caseworker, approver)
        with CaptureQueriesContext(connection) as one:
            export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker)
        for _ in range(4):
            filed_household(tree["street_b"], caseworker, approver)
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as five:
            export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker)
        assert len(five) == len(one)


class TestDisbursementLedger:
    def test_a_row_per_payment_from_the_frozen_snapshot(self, tree, payment, caseworker):
        book = workbook_of(export(LedgerKind.DISBURSEMENTS, tree["county"], caseworker))
        assert book.sheetnames == ["帮扶资金发放台账"]
        sheet = book.worksheets[0]
        assert [cell.value for cell in sheet[1]] == [header for _key, header in ledgers.DISBURSEMENT_COLUMNS]
        (row,) = rows_of(sheet)
        snapshot = payment.snapshot
        assert row["受助人姓名"] == snapshot["beneficiary_name"] == "张伟"
        assert row["受助人身份证号"] == snapshot["beneficiary_id_masked"]
        assert (row["档案编号"], row["困难类别"], row["所属工会"]) == (
            snapshot["file_number"], "深度困难", tree["street_a"].name,
        )  # fmt: skip
        assert row["银行卡号"] == ACCOUNT
        assert (row["发放金额(元)"], row["发放方式"], row["项目类别"]) == (1500, "银行转账", "送温暖")
        assert row["发放日期"].date() == date(YEAR, 6, 1)
        reference = sheet.cell(2, list(row).index("凭证号") + 1)
        assert (reference.value, reference.data_type) == (REFERENCE_INJECTION, "s")

    def test_the_leader_gets_the_bank_account_masked(self, tree, payment, leader):
        (row,) = rows_of(workbook_of(export(LedgerKind.DISBURSEMENTS, tree["county"], leader)).worksheets[0])
        assert row["银行卡号"] == mask_account(ACCOUNT)

    def test_another_year_and_an_outsider_union_have_none(self, tree, payment, caseworker, outsider):
        assert rows_of(workbook_of(export(LedgerKind.DISBURSEMENTS, tree["county"], caseworker, YEAR - 1)).active) == []
        sibling = workbook_of(export(LedgerKind.DISBURSEMENTS, tree["sibling_county"], outsider))
        assert rows_of(sibling.active) == []


class TestAssessmentReport:
    def test_the_summary_sheet_and_a_row_per_household_assessment(self, tree, files, outsider_file, leader):
        run = assessment_start(organization=tree["county"], year=YEAR, queue=False)
        assessment_execute(run=run)
        book = workbook_of(export(LedgerKind.ASSESSMENT, tree["county"], leader))

        assert book.sheetnames == ["年度汇总", "户评估结果"]
        summary = dict(list(book["年度汇总"].values)[1:])
        assert (summary["工会"], summary["年度"], summary["年末在档户数"]) == (tree["county"].name, YEAR, 2)
        rows = rows_of(book["户评估结果"])
        assert [header for _key, header in ledgers.ASSESSMENT_COLUMNS] == list(rows[0])
        assert sorted(row["档案编号"] for row in rows) == sorted(file.number for file in files)
        assert all(row["评估建议"] and row["户主姓名"] == "张伟" for row in rows)

    def test_a_year_without_assessment_says_so(self, tree, leader):
        book = workbook_of(export(LedgerKind.ASSESSMENT, tree["county"], leader))
        assert list(book["年度汇总"].values)[-1] == ("说明", "本年度尚未完成评估")
        assert rows_of(book["户评估结果"]) == []


class TestLedgersPage:
    def test_it_offers_the_ledgers_and_the_unions_in_scope(self, client, tree, leader):
        client.force_login(leader)
        html = client.get("/ledgers/").content.decode()
        assert 'data-testid="ledger-form"' in html
        assert tree["street_a"].name in html and tree["sibling_county"].name not in html

    def test_a_small_ledger_downloads_at_once_with_a_chinese_file_name(self, client, tree, files, leader):
        response = download(client, leader, LedgerKind.HOUSEHOLDS, tree["county"])
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert "%E4%BD%99%E5%A7%9A" in response["Content-Disposition"]  # 余姚
        assert response["Cache-Control"] == "private, no-store"
        assert len(rows_of(workbook_of(content_of(response)).worksheets[0])) == 2
        log = ExportLog.objects.get()
        assert (log.user, log.kind, log.year, log.rows, log.via, log.masked, log.organization) == (
            leader, LedgerKind.HOUSEHOLDS, YEAR, 2, "web", True, tree["county"],
        )  # fmt: skip

    def test_every_ledger_kind_writes_a_log_row(self, client, tree, payment, caseworker):
        for kind in LedgerKind.values:
            assert download(client, caseworker, kind, tree["county"]).status_code == 200
        assert sorted(ExportLog.objects.values_list("kind", flat=True)) == sorted(LedgerKind.values)

    def test_an_outsider_gets_404_for_a_union_outside_their_scope(self, client, tree, files, outsider):
        assert download(client, outsider, LedgerKind.HOUSEHOLDS, tree["county"]).status_code == 404
        assert not ExportLog.objects.exists()

    def test_a_get_on_the_export_is_405(self, client, leader):
        client.force_login(leader)
        assert client.get("/ledgers/export/").status_code == 405

    def test_a_ledger_above_the_cap_is_refused_with_a_message(self, client, tree, files, leader, settings):
        settings.LEDGER_MAX_ROWS = 1
        response = download(client, leader, LedgerKind.HOUSEHOLDS, tree["county"])
        assert response.status_code == 302
        assert "2" in [str(message) for message in response.wsgi_request._messages][0]
        assert not ExportLog.objects.exists()

    def test_a_year_in_the_future_is_refused(self, client, tree, leader):
        response = download(client, leader, LedgerKind.HOUSEHOLDS, tree["county"], year=date.today().year + 1)
        assert response.status_code == 302
        assert not ExportLog.objects.exists()

    def test_the_query_count_of_the_download_is_bounded(self, client, tree, files, payment, leader,
                                                        django_assert_max_num_queries):  # fmt: skip
        client.force_login(leader)
        with django_assert_max_num_queries(25):
            response = client.post("/ledgers/export/", {"kind": "households", "org": tree["county"].pk, "year": YEAR})
            content_of(response)


class TestCommand:
    def test_it_writes_the_same_rows_as_the_web_export(self, client, tree, files, payment, caseworker, tmp_path):
        web = workbook_of(content_of(download(client, caseworker, LedgerKind.HOUSEHOLDS, tree["county"])))
        output = tmp_path / "ledger.xlsx"
        call_command("export_ledger", kind="households", year=YEAR, org="330281", output=str(output), unmasked=True)
        command = load_workbook(output)
        for name in web.sheetnames:
            assert list(command[name].values) == list(web[name].values)
        log = ExportLog.objects.get(via="command")
        assert (log.user, log.rows, log.masked) == (None, 2, False)

    def test_it_masks_by_default_and_takes_the_root_union_without_org(self, tree, files, outsider_file, tmp_path):
        output = tmp_path / "ledger.xlsx"
        call_command("export_ledger", "--kind", "households", "--year", str(YEAR), "-o", str(output))
        rows = rows_of(load_workbook(output).worksheets[0])
        assert len(rows) == 3
        assert all("*" in row["户主身份证号"] for row in rows)
        assert ExportLog.objects.get().masked is True

    def test_the_disbursement_ledger_is_the_same_from_the_command(self, client, tree, payment, caseworker, tmp_path):
        web = workbook_of(content_of(download(client, caseworker, LedgerKind.DISBURSEMENTS, tree["county"])))
        output = tmp_path / "payments.xlsx"
        call_command("export_ledger", "--kind", "disbursements", "--year", str(YEAR), "--org", "330281",
                     "--unmasked", "-o", str(output))  # fmt: skip
        assert list(load_workbook(output).active.values) == list(web.active.values)


def test_money_is_written_as_a_number_not_text(tree, files, payment, caseworker):
    sheet = workbook_of(export(LedgerKind.DISBURSEMENTS, tree["county"], caseworker)).active
    amount = sheet.cell(2, [cell.value for cell in sheet[1]].index("发放金额(元)") + 1)
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal("1500")


def test_a_union_administrator_reads_the_export_log_of_the_union_and_cannot_change_it(client, tree):
    from accounts.roles import Role
    from reports.models import ExportLog
    from tests.factories import UserFactory

    admin_user = UserFactory(organization=tree["county"], role=Role.ADMIN, is_staff=True)
    theirs = ExportLog(kind="households", year=2026, rows=3, via="web")
    theirs.set_organization(tree["sibling_county"])
    theirs.save()
    ours = ExportLog(kind="households", year=2026, rows=7, via="web")
    ours.set_organization(tree["county"])
    ours.save()
    client.force_login(admin_user)
    response = client.get("/admin/reports/exportlog/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [ours]
    assert client.get("/admin/reports/exportlog/add/").status_code == 403


def test_a_household_that_exited_and_returned_has_two_rows_but_its_members_once(tree, files, caseworker, approver):
    from cases.services.files import file_refile_returned, file_transition
    from cases.services.households import Finances

    first = files[0]
    filed_household(tree["street_a"], caseworker, approver, address="余姚市阳明街道另一户")  # a neighbour between them
    first = file_transition(file=first, action="propose_exit", by=caseworker, comment="收入稳定")
    first = file_transition(file=first, action="start_exit_notice", by=caseworker, notice_start=date(YEAR, 5, 4),
                            notice_end=date(YEAR, 5, 11), today=date(YEAR, 5, 4))  # fmt: skip
    first = file_transition(file=first, action="approve_exit", by=approver, today=date(YEAR, 5, 12))
    returned = file_refile_returned(previous_file=first, by=caseworker, finances=Finances(wages=Decimal("24000")),
                                    level="county", primary_cause=6, secondary_causes=[], contact_person=caseworker,
                                    today=date(YEAR, 6, 1))  # fmt: skip
    for action, extra in [("first_review", {}), ("home_check", {"authorization_signed": True, "today": date(YEAR, 6, 1)}),
                          ("start_notice", {"notice_start": date(YEAR, 6, 1), "notice_end": date(YEAR, 6, 5),
                                            "today": date(YEAR, 6, 1)}),
                          ("approve", {"today": date(YEAR, 6, 8)})]:  # fmt: skip
        returned = file_transition(file=returned, action=action, by=approver if action == "approve" else caseworker,
                                   **extra)  # fmt: skip
    book = workbook_of(export(LedgerKind.HOUSEHOLDS, tree["county"], caseworker))
    code = first.household.code
    file_rows = [row for row in rows_of(book[ledgers.HOUSEHOLD_SHEET]) if row["家庭编码"] == code]
    member_rows = [row for row in rows_of(book[ledgers.MEMBER_SHEET]) if row["家庭编码"] == code]
    assert len(file_rows) == 2
    assert len(member_rows) == 3


class TestWorkbookLayout:
    """What every sheet of every ledger shares, whatever library writes it (XlsxWriter now, openpyxl before)."""

    @pytest.fixture
    def books(self, tree, files, payment, caseworker):
        assessment_execute(run=assessment_start(organization=tree["county"], year=YEAR, queue=False))
        return {kind: workbook_of(export(kind, tree["county"], caseworker)) for kind in LedgerKind.values}

    def test_every_sheet_has_a_bold_frozen_header_and_a_filter_over_its_rows(self, books):
        sheets = [sheet for book in books.values() for sheet in book.worksheets]
        assert [sheet.title for sheet in sheets] == [
            ledgers.HOUSEHOLD_SHEET, ledgers.MEMBER_SHEET, ledgers.DISBURSEMENT_SHEET, ledgers.SUMMARY_SHEET,
            ledgers.ASSESSMENT_SHEET,
        ]  # fmt: skip
        for sheet in sheets:
            last = sheet.cell(1, sheet.max_column).column_letter
            assert (sheet.title, sheet.freeze_panes) == (sheet.title, "A2")
            assert (sheet.title, sheet.auto_filter.ref) == (sheet.title, f"A1:{last}{sheet.max_row}")
            assert sheet.max_row > 1
            assert all(cell.font.b for cell in sheet[1]) and not any(cell.font.b for cell in sheet[2])

    def test_money_and_dates_are_formatted_on_every_sheet(self, books):
        def formats(sheet, *headers):
            names = [cell.value for cell in sheet[1]]
            return [sheet.cell(2, names.index(header) + 1).number_format for header in headers]

        households = books[LedgerKind.HOUSEHOLDS]
        assert formats(households[ledgers.MEMBER_SHEET], "月收入(元)") == [xlsx.MONEY_FORMAT]
        assert formats(books[LedgerKind.DISBURSEMENTS].active, "发放金额(元)", "发放日期") == [
            xlsx.MONEY_FORMAT, xlsx.DATE_FORMAT,
        ]  # fmt: skip
        assessment = books[LedgerKind.ASSESSMENT]
        assert formats(assessment[ledgers.ASSESSMENT_SHEET], "帮扶金额合计(元)") == [xlsx.MONEY_FORMAT]
        summary = {row[0].value: row[1] for row in assessment[ledgers.SUMMARY_SHEET].iter_rows(min_row=2)}
        assert summary["帮扶资金合计(元)"].number_format == xlsx.MONEY_FORMAT
        assert (summary["年度"].value, summary["年度"].number_format) == (YEAR, "General")

    def test_formula_like_text_is_quoted_text_on_every_sheet(self, books):
        cells = {
            cell.value: cell
            for book in books.values() for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str) and cell.value.startswith(xlsx.FORMULA_STARTS)
        }  # fmt: skip
        assert {INJECTION, REFERENCE_INJECTION, "+86 快递站"} <= set(cells)
        assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells.values())
        plain = books[LedgerKind.DISBURSEMENTS].active["B2"]
        assert plain.data_type == "s" and not plain.quotePrefix


class TestXlsxWriter:
    """reports.xlsx: the sheet writer the ledgers share."""

    COLUMNS = [("text", "文本"), ("number", "数"), ("money", "金额"), ("day", "日期"), ("other", "其他")]

    def write(self, target, rows) -> int:
        with xlsx.open_book(target) as book:
            sheet = book.sheet("测试", self.COLUMNS, {"text": 30})
            for values in rows:
                sheet.append(values)
        return sheet.rows

    def test_each_value_is_written_as_its_type(self):
        target = io.BytesIO()
        moment = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
        rows = [
            ["=1+1", 7, Decimal("12.50"), date(2026, 1, 2), True],
            ["-3", 1.5, None, None, WorkStatus.EMPLOYED],
            ["", None, Decimal("0.00"), moment, Path("a/b")],
            ["@x", -2, Decimal("-1.25"), date(2026, 12, 31), 10**12],
        ]
        assert self.write(target, rows) == 4
        sheet = load_workbook(io.BytesIO(target.getvalue())).active
        assert (sheet.title, sheet.freeze_panes, sheet.auto_filter.ref) == ("测试", "A2", "A1:E5")
        assert 30 <= sheet.column_dimensions["A"].width < 31
        values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        assert values == [
            ["=1+1", 7, 12.5, datetime(2026, 1, 2), True],
            ["-3", 1.5, None, None, str(WorkStatus.EMPLOYED)],
            [None, None, 0, datetime(2026, 5, 4, 11, 2, 1), "a/b"],  # aware: in the local time (Asia/Shanghai)
            ["@x", -2, -1.25, datetime(2026, 12, 31), 10**12],
        ]
        first = sheet[2]
        assert [cell.data_type for cell in first] == ["s", "n", "n", "d", "b"]
        assert first[0].quotePrefix and sheet["A3"].quotePrefix and sheet["A5"].quotePrefix
        assert [cell.number_format for cell in first[1:4]] == ["General", xlsx.MONEY_FORMAT, xlsx.DATE_FORMAT]

    def test_it_writes_to_a_path_a_path_object_or_a_binary_file(self, tmp_path):
        rows = [["甲", 1, Decimal("2.00"), date(2026, 3, 4), None]]
        for target in (str(tmp_path / "a.xlsx"), tmp_path / "b.xlsx"):
            self.write(target, rows)
            assert load_workbook(target).active["A2"].value == "甲"
        with tempfile.TemporaryFile() as target:
            self.write(target, rows)
            target.seek(0)
            assert load_workbook(target).active["B2"].value == 1

    def test_an_error_while_writing_writes_nothing_and_leaves_no_temporary_file(self, tmp_path, monkeypatch):
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        target = tmp_path / "out.xlsx"
        with pytest.raises(RuntimeError, match="the database went away"), xlsx.open_book(target) as book:
            sheet = book.sheet("测试", self.COLUMNS)
            sheet.append(["甲", 1, None, None, None])
            raise RuntimeError("the database went away")
        assert list(tmp_path.iterdir()) == []

    def test_a_row_of_the_wrong_width_is_refused(self):
        with pytest.raises(ValueError, match="4 values for 5 columns"):
            self.write(io.BytesIO(), [["甲", 1, None, None]])
