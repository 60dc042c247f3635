"""The Excel ledgers (台账): the household ledger (红本本), the disbursement ledger and the annual assessment report.

Written with openpyxl's write-only mode, chunk by chunk, with a fixed number of queries per chunk: neither memory
nor the query count grows with the rows. Headers and sheet names are Chinese whatever the user's language: the layout
is what unions file and what the household import reads back (`HOUSEHOLD_COLUMNS`, `MEMBER_COLUMNS`).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.models import Organization
from assessment.models import AnnualSummary, HouseholdAssessment
from assessment.services import files_to_assess
from cases.choices import MeasureStatus
from cases.identity import mask_account, mask_id_number, mask_phone
from cases.models import HardshipFile, Household, Member, PlanMeasure, Visit
from programs.choices import ProgramKind
from programs.models import AidApplication, Disbursement
from programs.models.programs import granted_amount
from reports.models import LedgerKind

CHUNK_SIZE = 2000
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
# A text cell starting with one of these would be read by Excel as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MASK = "***"  # health data of a masked export
ZERO = Decimal("0.00")

LEDGER_TITLES = {
    LedgerKind.HOUSEHOLDS: "困难职工家庭台账",
    LedgerKind.DISBURSEMENTS: "帮扶资金发放台账",
    LedgerKind.ASSESSMENT: "年度帮扶成效评估报告",
}
PROGRAM_HEADERS = {
    ProgramKind.LIVING: "生活救助",
    ProgramKind.CRITICAL_ILLNESS: "大病救助",
    ProgramKind.GOLDEN_AUTUMN: "金秋助学",
    ProgramKind.TEMPORARY: "临时救助",
    ProgramKind.HOLIDAY: "送温暖",
    ProgramKind.MEDICAL_MUTUAL: "医疗互助保障",
    ProgramKind.EMPLOYMENT: "就业帮扶",
    ProgramKind.LEGAL: "法律援助",
}
AID_COLUMNS = [(f"aid_{kind.value}", f"{PROGRAM_HEADERS[kind]}(元)") for kind in ProgramKind] + [
    ("aid_total", "帮扶金额合计(元)")
]

# The household ledger's first sheet, one row per file. Enumerations are written as their Chinese labels, dates as
# dates, money as numbers; masked values (ID numbers, phones, accounts) cannot be imported back.
HOUSEHOLD_SHEET = "困难职工家庭台账"
HOUSEHOLD_COLUMNS = [
    ("household_code", "家庭编码"),
    ("file_number", "档案编号"),
    ("union", "所属工会"),
    ("address", "家庭住址"),
    ("region_code", "户口所在地行政区划"),
    ("hukou_type", "户口类型"),
    ("household_type", "家庭类型"),
    ("housing_type", "住房类型"),
    ("housing_area", "建筑面积(平方米)"),
    ("can_help_itself", "是否有一定自救能力"),
    ("bank_name", "开户银行"),
    ("bank_branch", "支行名称"),
    ("bank_account", "银行卡号"),
    ("head_name", "户主姓名"),
    ("head_id_number", "户主身份证号"),
    ("head_phone", "户主手机号码"),
    ("members_count", "家庭人口"),
    ("level", "建档标准"),
    ("category", "困难类别"),
    ("primary_cause", "主要致困原因"),
    ("secondary_causes", "次要致困原因"),
    ("origin", "建档类型"),
    ("status", "档案状态"),
    ("activated_on", "建档日期"),
    ("closed_on", "结档日期"),
    ("contact_person", "帮扶联系责任人"),
    ("last_visit", "最近走访日期"),
    ("next_visit_due", "下次走访日期"),
    ("measures_done", "帮扶措施已完成"),
    ("measures_total", "帮扶措施总数"),
    *AID_COLUMNS,
]
# The second sheet: every current member of the households above, joined by the household code.
MEMBER_SHEET = "家庭成员"
MEMBER_COLUMNS = [
    ("household_code", "家庭编码"),
    ("name", "姓名"),
    ("relation", "与户主关系"),
    ("id_number", "身份证号"),
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("marital_status", "婚姻状况"),
    ("work_status", "工作状态"),
    ("health", "健康状况"),
    ("disability_type", "残疾类别"),
    ("disability_grade", "残疾等级"),
    ("phone", "手机号码"),
    ("employer", "工作单位"),
    ("is_union_member", "是否工会会员"),
    ("education_stage", "就读阶段"),
    ("school", "学校"),
    ("monthly_income", "月收入(元)"),
]
MEMBER_CHOICE_FIELDS = ["relation", "political_status", "marital_status", "work_status", "health", "disability_type",
                        "disability_grade", "education_stage"]  # fmt: skip
SECONDARY_CAUSE_SEPARATOR = "、"
YES, NO = "是", "否"

DISBURSEMENT_SHEET = "帮扶资金发放台账"
DISBURSEMENT_COLUMNS = [
    ("paid_on", "发放日期"),
    ("program", "帮扶项目"),
    ("program_kind", "项目类别"),
    ("beneficiary_name", "受助人姓名"),
    ("beneficiary_id", "受助人身份证号"),
    ("head_name", "户主姓名"),
    ("household_code", "家庭编码"),
    ("address", "家庭住址"),
    ("file_number", "档案编号"),
    ("category", "困难类别"),
    ("union", "所属工会"),
    ("bank_name", "开户银行"),
    ("bank_account", "银行卡号"),
    ("amount", "发放金额(元)"),
    ("method", "发放方式"),
    ("reference", "凭证号"),
]

SUMMARY_SHEET = "年度汇总"
ASSESSMENT_SHEET = "户评估结果"
ASSESSMENT_COLUMNS = [
    ("file_number", "档案编号"),
    ("household_code", "家庭编码"),
    ("head_name", "户主姓名"),
    ("union", "所属工会"),
    ("file_status", "档案状态"),
    ("recommendation", "评估建议"),
    ("reasons", "理由"),
    ("per_capita_income", "人均月收入(元)"),
    ("months_above_line", "连续高于低保月数"),
    ("dibao_line", "低保标准(元)"),
    ("visits_done", "已走访次数"),
    ("visits_due", "应走访次数"),
    ("measures_done", "帮扶措施已完成"),
    ("measures_total", "帮扶措施总数"),
    *AID_COLUMNS,
]
WIDE = {"address": 36, "union": 24, "reasons": 48, "program": 24, "head_id_number": 22, "id_number": 22,
        "beneficiary_id": 22, "bank_account": 24, "employer": 24, "file_number": 20}  # fmt: skip

Progress = Callable[[int], None] | None


@dataclass(frozen=True)
class LedgerScope:
    """What a ledger covers: a union's subtree for a year, and whether sensitive values are masked."""

    organization: Organization
    year: int
    masked: bool = True

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)


def ledger_filename(kind: str, organization: Organization, year: int) -> str:
    return f"{organization.name}{year}年{LEDGER_TITLES[LedgerKind(kind)]}.xlsx"


class Sheet:
    """A write-only sheet with a bold, frozen, filtered header row, set widths, and typed cells."""

    def __init__(self, workbook: Workbook, title: str, columns: list[tuple[str, str]]):
        self.sheet = workbook.create_sheet(title[:31])
        self.keys = [key for key, _header in columns]
        self.rows = 0
        for index, (key, header) in enumerate(columns, start=1):
            # Chinese characters are about two units wide.
            self.sheet.column_dimensions[get_column_letter(index)].width = WIDE.get(key, max(10, len(header) * 2 + 2))
        self.sheet.freeze_panes = "A2"
        header_cells = []
        for _key, header in columns:
            cell = WriteOnlyCell(self.sheet, value=header)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        self.sheet.append(header_cells)

    def append(self, record: dict) -> None:
        self.sheet.append([self.cell(record.get(key)) for key in self.keys])
        self.rows += 1

    def cell(self, value):
        if isinstance(value, Decimal):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = MONEY_FORMAT
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(self.sheet, value=value)
            # Stored as a plain string, and marked so that Excel keeps it text when the cell is edited.
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return value

    def close(self) -> None:
        last = get_column_letter(len(self.keys))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def chunks(items: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def choice_labels(model, *names) -> dict[str, dict]:
    """Each field's choices as plain strings, translated once: get_FOO_display() per cell costs more than the write."""
    return {name: {value: str(text) for value, text in model._meta.get_field(name).flatchoices} for name in names}


def shown(table: dict, value) -> str:
    return "" if value in (None, "") else table.get(value, str(value))


def yes_no(value: bool) -> str:
    return YES if value else NO


def aid_by_household(household_ids: list[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Granted aid of the year by household and program kind: the payment once paid, the approved amount until."""
    aid = defaultdict(dict)
    rows = (
        AidApplication.objects.granted().filter(household_id__in=household_ids, year=year).order_by()
        .values("household_id", "program__kind").annotate(total=Sum(granted_amount()))
        .values_list("household_id", "program__kind", "total")
    )  # fmt: skip
    for household_id, kind, total in rows:
        aid[household_id][kind] = Decimal(total or 0).quantize(ZERO)
    return aid


def aid_columns(amounts: dict[str, Decimal]) -> dict:
    values = {f"aid_{kind.value}": amounts.get(kind.value, ZERO) for kind in ProgramKind}
    values["aid_total"] = sum(amounts.values(), ZERO)
    return values


def heads_of(household_ids: list[int]) -> dict[int, str]:
    heads = Member.objects.filter(household_id__in=household_ids, relation="head", is_active=True).order_by()
    return dict(heads.values_list("household_id", "name"))


# The household ledger (红本本)


def household_files(scope: LedgerScope):
    return (
        files_to_assess(scope.organization, scope.year)
        .select_related("household", "organization", "contact_person")
        # A household's files stand together, so its members are written once without remembering every household.
        .order_by("org_path", "household_id", "number", "pk")
    )


def write_households(scope: LedgerScope, target, progress: Progress = None) -> int:
    """One row per file of the subtree filed at some time during the year; its members on the second sheet."""
    workbook = Workbook(write_only=True)
    files_sheet = Sheet(workbook, HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS)
    members_sheet = Sheet(workbook, MEMBER_SHEET, MEMBER_COLUMNS)
    # A household with two files in the year (exited, then returned) lists its members once.
    last_household = None
    with translation.override(settings.LANGUAGE_CODE):
        labels = {
            **choice_labels(Household, "hukou_type", "household_type", "housing_type"),
            **choice_labels(HardshipFile, "level", "category", "primary_cause", "origin", "status"),
            **choice_labels(Member, *MEMBER_CHOICE_FIELDS),
        }
        for files in chunks(household_files(scope).iterator(chunk_size=CHUNK_SIZE)):
            members, visits, measures, aid = _household_facts(files, scope)
            for file in files:
                household_members = members[file.household_id]
                files_sheet.append(_household_row(file, household_members, (visits, measures, aid), labels, scope))
                if file.household_id != last_household:
                    last_household = file.household_id
                    for member in household_members:
                        members_sheet.append(_member_row(file.household.code, member, labels, scope.masked))
            if progress:
                progress(files_sheet.rows)
    files_sheet.close()
    members_sheet.close()
    workbook.save(target)
    return files_sheet.rows


def _household_facts(files, scope: LedgerScope):
    """The members, last visits, plan measures and aid of a chunk of files: four queries, whatever the chunk."""
    file_ids = [file.pk for file in files]
    household_ids = list({file.household_id for file in files})
    members = defaultdict(list)
    for member in Member.objects.filter(household_id__in=household_ids, is_active=True).order_by("household_id", "id"):
        members[member.household_id].append(member)
    visits = dict(
        Visit.objects.filter(file_id__in=file_ids, visited_on__lte=scope.end).order_by()
        .values("file_id").annotate(last=Max("visited_on")).values_list("file_id", "last")
    )  # fmt: skip
    measures = {
        row["plan__file_id"]: row
        for row in PlanMeasure.objects.filter(plan__file_id__in=file_ids, plan__year=scope.year).order_by()
        .values("plan__file_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=MeasureStatus.DONE)))
    }  # fmt: skip
    return members, visits, measures, aid_by_household(household_ids, scope.year)


def _household_row(file, members, facts, labels: dict, scope: LedgerScope) -> dict:
    household, (visits, measures, aid) = file.household, facts
    head = next((member for member in members if member.is_head), None)
    id_number, phone = (head.id_number, head.phone) if head else ("", "")
    account = household.bank_account
    if scope.masked:
        id_number, phone, account = mask_id_number(id_number), mask_phone(phone), mask_account(account)
    counts = measures.get(file.pk, {})
    return {
        "household_code": household.code,
        "file_number": file.number,
        "union": file.organization.name,
        "address": household.address,
        "region_code": household.region_code,
        "hukou_type": shown(labels["hukou_type"], household.hukou_type),
        "household_type": shown(labels["household_type"], household.household_type),
        "housing_type": shown(labels["housing_type"], household.housing_type),
        "housing_area": household.housing_area,
        "can_help_itself": yes_no(household.can_help_itself),
        "bank_name": household.bank_name,
        "bank_branch": household.bank_branch,
        "bank_account": account,
        "head_name": head.name if head else "",
        "head_id_number": id_number,
        "head_phone": phone,
        "members_count": len(members),
        "level": shown(labels["level"], file.level),
        "category": shown(labels["category"], file.category),
        "primary_cause": shown(labels["primary_cause"], file.primary_cause),
        "secondary_causes": SECONDARY_CAUSE_SEPARATOR.join(
            shown(labels["primary_cause"], code) for code in file.secondary_causes
        ),
        "origin": shown(labels["origin"], file.origin),
        "status": shown(labels["status"], file.status),
        "activated_on": file.activated_on,
        "closed_on": file.closed_on,
        "contact_person": str(file.contact_person),
        "last_visit": visits.get(file.pk),
        "next_visit_due": file.next_visit_due,
        "measures_done": counts.get("done", 0),
        "measures_total": counts.get("total", 0),
        **aid_columns(aid.get(file.household_id, {})),
    }


def _member_row(household_code: str, member: Member, labels: dict, masked: bool) -> dict:
    health = shown(labels["health"], member.health)
    disability_type = shown(labels["disability_type"], member.disability_type)
    disability_grade = shown(labels["disability_grade"], member.disability_grade)
    if masked:
        health, disability_type, disability_grade = MASK, MASK if disability_type else "", ""
    return {
        "household_code": household_code,
        "name": member.name,
        "relation": shown(labels["relation"], member.relation),
        "id_number": mask_id_number(member.id_number) if masked else member.id_number,
        "ethnicity": member.ethnicity,
        "political_status": shown(labels["political_status"], member.political_status),
        "marital_status": shown(labels["marital_status"], member.marital_status),
        "work_status": shown(labels["work_status"], member.work_status),
        "health": health,
        "disability_type": disability_type,
        "disability_grade": disability_grade,
        "phone": mask_phone(member.phone) if masked else member.phone,
        "employer": member.employer,
        "is_union_member": yes_no(member.is_union_member),
        "education_stage": shown(labels["education_stage"], member.education_stage),
        "school": member.school,
        "monthly_income": member.monthly_income,
    }


# The disbursement ledger


def disbursements(scope: LedgerScope):
    return (
        Disbursement.objects.filter(org_path__startswith=scope.organization.path)
        .filter(paid_on__gte=scope.start, paid_on__lte=scope.end)
        .select_related("application__program")
        .order_by("paid_on", "pk")
    )


def write_disbursements(scope: LedgerScope, target, progress: Progress = None) -> int:
    """One row per payment of the year, from what was frozen at payment; one query per chunk."""
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, DISBURSEMENT_SHEET, DISBURSEMENT_COLUMNS)
    with translation.override(settings.LANGUAGE_CODE):
        methods = choice_labels(Disbursement, "method")["method"]
        for payments in chunks(disbursements(scope).iterator(chunk_size=CHUNK_SIZE)):
            for payment in payments:
                sheet.append(_disbursement_row(payment, methods, scope.masked))
            if progress:
                progress(sheet.rows)
    sheet.close()
    workbook.save(target)
    return sheet.rows


def _disbursement_row(payment: Disbursement, methods: dict, masked: bool) -> dict:
    snapshot, program = payment.snapshot, payment.application.program
    account = snapshot.get("bank_account", "")
    return {
        "paid_on": payment.paid_on,
        "program": program.name,
        "program_kind": PROGRAM_HEADERS.get(program.kind, program.kind),
        "beneficiary_name": snapshot.get("beneficiary_name", ""),
        "beneficiary_id": snapshot.get("beneficiary_id_masked", ""),
        "head_name": snapshot.get("head_name", ""),
        "household_code": snapshot.get("household_code", ""),
        "address": snapshot.get("address", ""),
        "file_number": snapshot.get("file_number", ""),
        "category": snapshot.get("category", ""),
        "union": snapshot.get("union", ""),
        "bank_name": snapshot.get("bank_name", ""),
        "bank_account": mask_account(account) if masked else account,
        "amount": payment.amount,
        "method": shown(methods, payment.method),
        "reference": payment.reference,
    }


# The annual assessment report


def household_assessments(scope: LedgerScope):
    return (
        HouseholdAssessment.objects.filter(org_path__startswith=scope.organization.path, year=scope.year)
        .select_related("file__household", "organization")
        .order_by("org_path", "file_id")
    )


def write_assessment(scope: LedgerScope, target, progress: Progress = None) -> int:
    """The union's summary (label and value rows), then one row per household assessment of the subtree."""
    workbook = Workbook(write_only=True)
    with translation.override(settings.LANGUAGE_CODE):
        summary_sheet = Sheet(workbook, SUMMARY_SHEET, [("label", "项目"), ("value", "数值")])
        summary = AnnualSummary.objects.filter(organization=scope.organization, year=scope.year).first()
        for row_label, value in summary_rows(scope, summary):
            summary_sheet.append({"label": row_label, "value": value})
        summary_sheet.close()
        sheet = Sheet(workbook, ASSESSMENT_SHEET, ASSESSMENT_COLUMNS)
        labels = {**choice_labels(HouseholdAssessment, "recommendation"), **choice_labels(HardshipFile, "status")}
        for assessments in chunks(household_assessments(scope).iterator(chunk_size=CHUNK_SIZE)):
            heads = heads_of([assessment.file.household_id for assessment in assessments])
            for assessment in assessments:
                sheet.append(_assessment_row(assessment, heads, labels))
            if progress:
                progress(sheet.rows)
    sheet.close()
    workbook.save(target)
    return sheet.rows


def summary_rows(scope: LedgerScope, summary: AnnualSummary | None) -> list[tuple[str, object]]:
    rows = [("工会", scope.organization.name), ("年度", scope.year)]
    if summary is None:
        return [*rows, ("说明", "本年度尚未完成评估")]
    rows += [
        ("年初在档户数", summary.files_at_start),
        ("新建档户数", summary.new),
        ("脱困户数", summary.exited),
        ("解困户数", summary.relieved),
        ("注销户数", summary.cancelled),
        ("返困户数", summary.returned),
        ("年末在档户数", summary.remaining),
        ("当年发现当年解困脱困户数", summary.found_and_out),
        ("当年发现当年解困脱困率(%)", summary.found_and_out_rate),
        ("解困脱困率(%)", summary.exit_rate),
        ("帮扶资金合计(元)", summary.money_total),
        ("受助户数", summary.households_paid),
        ("户均帮扶金额(元)", summary.average_aid),
        ("已走访次数", summary.visits_done),
        ("应走访次数", summary.visits_due),
        ("帮扶措施已完成", summary.measures_done),
        ("帮扶措施总数", summary.measures_total),
    ]
    for kind in ProgramKind:
        amount = summary.money_by_program.get(kind.value)
        if amount is not None:
            rows.append((f"{PROGRAM_HEADERS[kind]}(元)", Decimal(amount).quantize(ZERO)))
    return rows


def _assessment_row(assessment: HouseholdAssessment, heads: dict[int, str], labels: dict) -> dict:
    file = assessment.file
    amounts = {kind: Decimal(amount).quantize(ZERO) for kind, amount in assessment.aid_by_program.items()}
    return {
        "file_number": file.number,
        "household_code": file.household.code,
        "head_name": heads.get(file.household_id, ""),
        "union": assessment.organization.name,
        "file_status": shown(labels["status"], file.status),
        "recommendation": shown(labels["recommendation"], assessment.recommendation),
        "reasons": "".join(str(reason) for reason in assessment.reasons),  # each reason is a sentence ending in 。
        "per_capita_income": assessment.per_capita_income,
        "months_above_line": assessment.months_above_line,
        "dibao_line": assessment.dibao_line,
        "visits_done": assessment.visits_done,
        "visits_due": assessment.visits_due,
        "measures_done": assessment.measures_done,
        "measures_total": assessment.measures_total,
        **aid_columns(amounts),
    }


WRITERS = {
    LedgerKind.HOUSEHOLDS: write_households,
    LedgerKind.DISBURSEMENTS: write_disbursements,
    LedgerKind.ASSESSMENT: write_assessment,
}
ROW_SOURCES = {
    LedgerKind.HOUSEHOLDS: household_files,
    LedgerKind.DISBURSEMENTS: disbursements,
    LedgerKind.ASSESSMENT: household_assessments,
}


def ledger_row_count(kind: str, scope: LedgerScope) -> int:
    return ROW_SOURCES[LedgerKind(kind)](scope).count()
