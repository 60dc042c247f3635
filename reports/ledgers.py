"""The Excel ledgers (台账): the household ledger (红本本), the disbursement ledger and the annual assessment report.

Written with XlsxWriter in constant-memory mode (`reports.xlsx`), chunk by chunk, with a fixed number of queries per
chunk: neither memory nor the query count grows with the rows. Writing the cells is most of the time; to keep the rest
small, rows are read as tuples (`values_list`) rather than model instances, built as lists in the columns' order,
choices are looked up in plain dicts, and a chunk's ids go to PostgreSQL as one array (`AnyOf`). Headers and sheet
names are Chinese whatever the user's language: the layout is what unions file and what the household import reads
back (`HOUSEHOLD_COLUMNS`, `MEMBER_COLUMNS`).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.db.models import BooleanField, Count, F, Func, Max, Q, Sum
from django.utils import translation

from accounts.models import Organization
from assessment.models import AnnualSummary, HouseholdAssessment
from assessment.services import files_to_assess
from cases.choices import MeasureStatus
from cases.identity import mask_account, mask_id_number, mask_phone
from cases.models import HardshipFile, Household, IncomeAssessment, Member, PlanMeasure, Visit
from programs.choices import ProgramKind
from programs.models import AidApplication, Disbursement
from programs.models.programs import granted_amount
from reports.models import LedgerKind
from reports.xlsx import Sheet, open_book  # noqa: F401  (Sheet: benchmarks/reports_bench.py counts rows on it)

CHUNK_SIZE = 2000
MASK = "***"  # health data of a masked export, and birth dates: the masked ID number hides its birth digits
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
    ("head_sex", "户主性别"),
    ("head_birth_date", "户主出生日期"),
    ("head_phone", "户主手机号码"),
    ("members_count", "家庭人口"),
    ("per_capita_income", "人均月收入(元)"),
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
    ("birth_date", "出生日期"),
    ("sex", "性别"),
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
MEMBER_CHOICE_FIELDS = ["relation", "sex", "political_status", "marital_status", "work_status", "health",
                        "disability_type", "disability_grade", "education_stage"]  # fmt: skip
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


def chunks(items: Iterable, size: int = CHUNK_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Labels(dict):
    """A field's choices as plain strings: `labels[value]`, "" for no value, the value itself when it is no choice."""

    def __missing__(self, value) -> str:
        return "" if value in (None, "") else str(value)


def choice_labels(model, *names) -> dict[str, Labels]:
    """Each field's choices as plain strings, translated once: get_FOO_display() per cell costs more than the write."""
    return {
        name: Labels((value, str(text)) for value, text in model._meta.get_field(name).flatchoices) for name in names
    }


class AnyOf(Func):
    """`column IN (ids)` for a chunk's ids, as one array parameter on PostgreSQL (`column = ANY(%s)`).

    Django's `__in` prepares each of 2,000 values in Python, one by one, twice: that cost more than running the
    query. `.filter(AnyOf("household_id", ids))`.
    """

    output_field = BooleanField()

    def __init__(self, column: str, ids: Iterable[int]):
        super().__init__(F(column))
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", params
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s)", [*params, self.ids]


def aid_by_household(household_ids: list[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Granted aid of the year by household and program kind: the payment once paid, the approved amount until."""
    aid = defaultdict(dict)
    rows = (
        AidApplication.objects.granted().filter(AnyOf("household_id", household_ids), year=year).order_by()
        .values("household_id", "program__kind").annotate(total=Sum(granted_amount()))
        .values_list("household_id", "program__kind", "total")
    )  # fmt: skip
    for household_id, kind, total in rows:
        aid[household_id][kind] = Decimal(total or 0).quantize(ZERO)
    return aid


PROGRAM_KINDS = [kind.value for kind in ProgramKind]
NO_AID = (ZERO,) * (len(PROGRAM_KINDS) + 1)


def aid_columns(amounts: dict[str, Decimal]) -> tuple:
    """The values of AID_COLUMNS: the amount of each program kind, then the total."""
    if not amounts:
        return NO_AID
    return (*(amounts.get(kind, ZERO) for kind in PROGRAM_KINDS), sum(amounts.values(), ZERO))


def heads_of(household_ids: list[int]) -> dict[int, str]:
    heads = Member.objects.filter(AnyOf("household_id", household_ids), relation="head", is_active=True).order_by()
    return dict(heads.values_list("household_id", "name"))


# The household ledger (红本本)


def household_files(scope: LedgerScope):
    return (
        files_to_assess(scope.organization, scope.year)
        # A household's files stand together, so its members are written once without remembering every household.
        .order_by("org_path", "household_id", "number", "pk")
    )


# A file row's fields, read as one tuple per file (unpacked in `_household_row` in this order).
FILE_FIELDS = (
    "pk", "household_id", "number", "level", "category", "primary_cause", "secondary_causes", "origin", "status",
    "activated_on", "closed_on", "next_visit_due", "organization__name", "contact_person__name",
    "contact_person__username", "household__code", "household__address", "household__region_code",
    "household__hukou_type", "household__household_type", "household__housing_type", "household__housing_area",
    "household__can_help_itself", "household__bank_name", "household__bank_branch", "household__bank_account",
)  # fmt: skip
# A member's fields (unpacked in `_member_row`), after the household id they are grouped by.
MEMBER_FIELDS = (
    "name", "relation", "id_number", "ethnicity", "political_status", "marital_status", "work_status", "health",
    "disability_type", "disability_grade", "phone", "employer", "is_union_member", "education_stage", "school",
    "monthly_income", "sex", "birth_date",
)  # fmt: skip
HOUSEHOLD_ID, HOUSEHOLD_CODE = FILE_FIELDS.index("household_id"), FILE_FIELDS.index("household__code")
HEAD = "head"


def write_households(scope: LedgerScope, target, progress: Progress = None) -> int:
    """One row per file of the subtree filed at some time during the year; its members on the second sheet."""
    with open_book(target) as book, translation.override(settings.LANGUAGE_CODE):
        files_sheet = book.sheet(HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, WIDE)
        members_sheet = book.sheet(MEMBER_SHEET, MEMBER_COLUMNS, WIDE)
        # A household with two files in the year (exited, then returned) lists its members once.
        last_household = None
        labels = {
            **choice_labels(Household, "hukou_type", "household_type", "housing_type"),
            **choice_labels(HardshipFile, "level", "category", "primary_cause", "origin", "status"),
            **choice_labels(Member, *MEMBER_CHOICE_FIELDS),
        }
        rows = household_files(scope).values_list(*FILE_FIELDS)
        for files in chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
            members, *facts = _household_facts(files, scope)
            for file in files:
                household_id = file[HOUSEHOLD_ID]
                household_members = members[household_id]
                files_sheet.append(_household_row(file, household_members, facts, labels, scope))
                if household_id != last_household:
                    last_household = household_id
                    code = file[HOUSEHOLD_CODE]
                    for member in household_members:
                        members_sheet.append(_member_row(code, member, labels, scope.masked))
            if progress:
                progress(files_sheet.rows)
    return files_sheet.rows


def _household_facts(files: list[tuple], scope: LedgerScope):
    """The members, last visits, plan measures, aid and incomes of a chunk of files: five queries whatever its size."""
    file_ids = [file[0] for file in files]
    household_ids = list({file[HOUSEHOLD_ID] for file in files})
    members = defaultdict(list)
    rows = (
        Member.objects.filter(AnyOf("household_id", household_ids), is_active=True).order_by("household_id", "id")
        .values_list("household_id", *MEMBER_FIELDS)
    )  # fmt: skip
    for household_id, *member in rows:
        members[household_id].append(member)
    visits = dict(
        Visit.objects.filter(AnyOf("file_id", file_ids), visited_on__lte=scope.end).order_by()
        .values("file_id").annotate(last=Max("visited_on")).values_list("file_id", "last")
    )  # fmt: skip
    measures = {
        file_id: (done, total)
        for file_id, total, done in PlanMeasure.objects.filter(AnyOf("plan__file_id", file_ids), plan__year=scope.year)
        .order_by().values("plan__file_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=MeasureStatus.DONE)))
        .values_list("plan__file_id", "total", "done")
    }  # fmt: skip
    return members, visits, measures, aid_by_household(household_ids, scope.year), incomes_of(household_ids, scope)


def incomes_of(household_ids: list[int], scope: LedgerScope) -> dict[int, Decimal]:
    """Each household's per-capita monthly income by its latest income assessment up to the end of the year."""
    rows = (
        IncomeAssessment.objects.filter(AnyOf("household_id", household_ids), assessed_on__lte=scope.end)
        .order_by("household_id", "assessed_on", "id").values_list("household_id", "per_capita_monthly")
    )  # fmt: skip
    return dict(rows.iterator())  # ordered by date: the latest of a household is the one that stays


NO_MEASURES = (0, 0)


def _household_row(file: tuple, members: list[list], facts, labels: dict, scope: LedgerScope) -> list:
    """The values of HOUSEHOLD_COLUMNS, in their order (a list, not a dict: this runs once per file)."""
    (file_id, household_id, number, level, category, primary_cause, secondary_causes, origin, status, activated_on,
     closed_on, next_visit_due, union, contact_name, contact_username, code, address, region_code, hukou_type,
     household_type, housing_type, housing_area, can_help_itself, bank_name, bank_branch, account) = file  # fmt: skip
    visits, measures, aid, incomes = facts
    head = next((member for member in members if member[1] == HEAD), None)
    id_number, phone, sex, born = (head[2], head[10], head[16], head[17]) if head else ("", "", "", None)
    if scope.masked:
        id_number, phone, account = mask_id_number(id_number), mask_phone(phone), mask_account(account)
        born = MASK if born else None
    done, total = measures.get(file_id, NO_MEASURES)
    causes = labels["primary_cause"]
    return [
        code,  # household_code
        number,  # file_number
        union,
        address,
        region_code,
        labels["hukou_type"][hukou_type],
        labels["household_type"][household_type],
        labels["housing_type"][housing_type],
        housing_area,
        YES if can_help_itself else NO,
        bank_name,
        bank_branch,
        account,  # bank_account
        head[0] if head else "",  # head_name
        id_number,  # head_id_number
        labels["sex"][sex],  # head_sex
        born,  # head_birth_date
        phone,  # head_phone
        len(members),  # members_count
        incomes.get(household_id),  # per_capita_income
        labels["level"][level],
        labels["category"][category],
        causes[primary_cause],
        SECONDARY_CAUSE_SEPARATOR.join([causes[cause] for cause in secondary_causes or ()]),
        labels["origin"][origin],
        labels["status"][status],
        activated_on,
        closed_on,
        contact_name or contact_username,  # contact_person: str(User)
        visits.get(file_id),  # last_visit
        next_visit_due,
        done,  # measures_done
        total,  # measures_total
        *aid_columns(aid.get(household_id)),
    ]


def _member_row(household_code: str, member: list, labels: dict, masked: bool) -> list:
    """The values of MEMBER_COLUMNS, in their order."""
    (name, relation, id_number, ethnicity, political_status, marital_status, work_status, health, disability_type,
     disability_grade, phone, employer, is_union_member, education_stage, school, monthly_income, sex,
     born) = member  # fmt: skip
    health = labels["health"][health]
    disability_type = labels["disability_type"][disability_type]
    disability_grade = labels["disability_grade"][disability_grade]
    if masked:
        health, disability_type, disability_grade = MASK, MASK if disability_type else "", ""
        id_number, phone, born = mask_id_number(id_number), mask_phone(phone), MASK
    return [
        household_code,
        name,
        labels["relation"][relation],
        id_number,
        born,  # birth_date
        labels["sex"][sex],
        ethnicity,
        labels["political_status"][political_status],
        labels["marital_status"][marital_status],
        labels["work_status"][work_status],
        health,
        disability_type,
        disability_grade,
        phone,
        employer,
        YES if is_union_member else NO,
        labels["education_stage"][education_stage],
        school,
        monthly_income,
    ]


# The disbursement ledger


def disbursements(scope: LedgerScope):
    return (
        Disbursement.objects.counted()
        .filter(org_path__startswith=scope.organization.path)
        .filter(paid_on__gte=scope.start, paid_on__lte=scope.end)
        .order_by("paid_on", "pk")
    )


# A payment's fields (unpacked in `_disbursement_row`): what was frozen at payment, and the program.
DISBURSEMENT_FIELDS = ("paid_on", "snapshot", "application__program__name", "application__program__kind", "amount",
                       "method", "reference")  # fmt: skip


def write_disbursements(scope: LedgerScope, target, progress: Progress = None) -> int:
    """One row per payment of the year, from what was frozen at payment; one query per chunk."""
    with open_book(target) as book, translation.override(settings.LANGUAGE_CODE):
        sheet = book.sheet(DISBURSEMENT_SHEET, DISBURSEMENT_COLUMNS, WIDE)
        methods = choice_labels(Disbursement, "method")["method"]
        rows = disbursements(scope).values_list(*DISBURSEMENT_FIELDS)
        for payments in chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
            for payment in payments:
                sheet.append(_disbursement_row(payment, methods, scope.masked))
            if progress:
                progress(sheet.rows)
    return sheet.rows


def _disbursement_row(payment: tuple, methods: dict, masked: bool) -> list:
    """The values of DISBURSEMENT_COLUMNS, in their order."""
    paid_on, snapshot, program, kind, amount, method, reference = payment
    account = snapshot.get("bank_account", "")
    return [
        paid_on,
        program,
        PROGRAM_HEADERS.get(kind, kind),  # program_kind
        snapshot.get("beneficiary_name", ""),
        snapshot.get("beneficiary_id_masked", ""),  # beneficiary_id
        snapshot.get("head_name", ""),
        snapshot.get("household_code", ""),
        snapshot.get("address", ""),
        snapshot.get("file_number", ""),
        snapshot.get("category", ""),
        snapshot.get("union", ""),
        snapshot.get("bank_name", ""),
        mask_account(account) if masked else account,  # bank_account
        amount,
        methods[method],
        reference,
    ]


# The annual assessment report


def household_assessments(scope: LedgerScope):
    return HouseholdAssessment.objects.filter(org_path__startswith=scope.organization.path, year=scope.year).order_by(
        "org_path", "file_id"
    )


# An assessment's fields (unpacked in `_assessment_row`).
ASSESSMENT_FIELDS = (
    "file__number", "file__household__code", "file__household_id", "organization__name", "file__status",
    "recommendation", "reasons", "per_capita_income", "months_above_line", "dibao_line", "visits_done", "visits_due",
    "measures_done", "measures_total", "aid_by_program",
)  # fmt: skip


def write_assessment(scope: LedgerScope, target, progress: Progress = None) -> int:
    """The union's summary (label and value rows), then one row per household assessment of the subtree."""
    with open_book(target) as book, translation.override(settings.LANGUAGE_CODE):
        summary_sheet = book.sheet(SUMMARY_SHEET, [("label", "项目"), ("value", "数值")], WIDE)
        summary = AnnualSummary.objects.filter(organization=scope.organization, year=scope.year).first()
        for row_label, value in summary_rows(scope, summary):
            summary_sheet.append((row_label, value))
        sheet = book.sheet(ASSESSMENT_SHEET, ASSESSMENT_COLUMNS, WIDE)
        labels = {**choice_labels(HouseholdAssessment, "recommendation"), **choice_labels(HardshipFile, "status")}
        rows = household_assessments(scope).values_list(*ASSESSMENT_FIELDS)
        for assessments in chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
            heads = heads_of([assessment[2] for assessment in assessments])
            for assessment in assessments:
                sheet.append(_assessment_row(assessment, heads, labels))
            if progress:
                progress(sheet.rows)
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


def _assessment_row(assessment: tuple, heads: dict[int, str], labels: dict) -> list:
    """The values of ASSESSMENT_COLUMNS, in their order."""
    (number, code, household_id, union, file_status, recommendation, reasons, per_capita_income, months_above_line,
     dibao_line, visits_done, visits_due, measures_done, measures_total, aid_by_program) = assessment  # fmt: skip
    amounts = {kind: Decimal(amount).quantize(ZERO) for kind, amount in (aid_by_program or {}).items()}
    return [
        number,  # file_number
        code,  # household_code
        heads.get(household_id, ""),  # head_name
        union,
        labels["status"][file_status],
        labels["recommendation"][recommendation],
        "".join(str(reason) for reason in reasons or ()),  # each reason is a sentence ending in 。
        per_capita_income,
        months_above_line,
        dibao_line,
        visits_done,
        visits_due,
        measures_done,
        measures_total,
        *aid_columns(amounts),
    ]


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
