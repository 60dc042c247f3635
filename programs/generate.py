"""Aid programs, budgets and three years of aid applications with their payments for `generate_data`.

For a province made by cases.generate: funding sources, one program of every kind for each of the three years (the
parameters of programs/demo.py, only this year's open), the approval tiers, a budget line per county, paying program
and year, and about four applications per household over the three years: holiday visits in a county batch every
Spring Festival for the households filed then, living aid by hardship category, Golden Autumn grants for students,
critical-illness and mutual-aid claims of the ill, temporary relief (unfiled households too), and employment and
legal help carried out as plan measures (no money). Statuses follow the age of an application: older ones are mostly
paid, the last weeks' are still drafts, submitted or returned. Amounts are within what the program's rule allows, with
the figures the rule reads and its reasons in the file language; a disbursement with the frozen household snapshot
for every paid application; events for creation, submission, decision, cancellation and payment. Budget lines get
their amounts at the end: what was granted on them plus room, so that none is over-committed.

Rows go through cases.generate.Table (COPY on PostgreSQL). Applications, disbursements and batches get one history
row each, as bulk_create_with_history writes them; the real services' history of every step (a row per save) is not
reproduced: the events carry the steps.
"""

import itertools
import math
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization, OrganizationKind
from accounts.roles import Role
from cases import realism
from cases.choices import Category, EducationStage, Health, Relation
from cases.generate import (
    YEARS,
    Clock,
    Ids,
    Report,
    Table,
    check_foreign_keys,
    day_between,
    dibao_lines,
    fast_commit,
    staff_user,
)
from cases.identity import mask_id_number
from cases.models import HardshipFile, Household, Member, PlanMeasure
from programs.choices import HIGHER_EDUCATION, SENIOR_HIGH, ApplicationStatus, DisbursementMethod, FundingKind
from programs.choices import ProgramKind as K
from programs.demo import DISEASES, PARAMETERS, PROGRAMS, SCENARIOS, seed_tiers
from programs.models import (
    AidApplication,
    ApplicationBatch,
    ApplicationEvent,
    ApprovalTier,
    Budget,
    Disbursement,
    Disease,
    FundingSource,
    Program,
)
from programs.models.programs import granted_amount
from programs.rules import RULES, plain, show, yuan

S = ApplicationStatus
CHUNK = 2000  # households per chunk
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
ELIGIBLE_STAGES = {*HIGHER_EDUCATION, *SENIOR_HIGH}

# key: (kind, name, union level, donor); KIND_SOURCE: which source pays each kind.
SOURCES = {
    "union": (FundingKind.UNION_FUND, "{province}帮扶资金", OrganizationKind.PROVINCIAL, ""),
    "national": (FundingKind.UNION_FUND, "全国总工会送温暖资金", OrganizationKind.NATIONAL, ""),
    "central": (FundingKind.CENTRAL_SPECIAL, "中央财政专项帮扶资金", "", ""),
    "government": (FundingKind.GOVERNMENT, "{province}财政困难职工救助配套资金", "", ""),
    "donation": (FundingKind.DONATION, "{province}金秋助学爱心基金", "", "爱心企业联合会"),
}
KIND_SOURCE = {
    K.LIVING: "central",
    K.CRITICAL_ILLNESS: "union",
    K.GOLDEN_AUTUMN: "donation",
    K.TEMPORARY: "government",
    K.HOLIDAY: "national",
    K.MEDICAL_MUTUAL: "union",
    K.EMPLOYMENT: "union",
    K.LEGAL: "union",
}

# The status of an application by its age in days: the last weeks' are on their way, older ones are settled.
AGES = [
    (7, {S.DRAFT: 35, S.SUBMITTED: 55, S.RETURNED: 10}),
    (30, {S.DRAFT: 5, S.SUBMITTED: 25, S.RETURNED: 8, S.APPROVED: 30, S.REJECTED: 5, S.DISBURSED: 27}),
    (75, {S.SUBMITTED: 4, S.RETURNED: 3, S.APPROVED: 15, S.REJECTED: 6, S.CANCELLED: 2, S.DISBURSED: 70}),
    (None, {S.DRAFT: 1, S.RETURNED: 1, S.APPROVED: 2, S.REJECTED: 6, S.CANCELLED: 3, S.DISBURSED: 87}),
]
AGES = [(limit, list(weights), list(itertools.accumulate(weights.values()))) for limit, weights in AGES]
# How often a member or household applies in a year it may.
CHANCES = {
    "living": {"deep": 0.75, "accident": 0.75, "relative": 0.55},
    "critical_illness": {Health.SERIOUS: 0.45, Health.CHRONIC: 0.04},
    "medical_mutual": {Health.SERIOUS: 0.3, Health.CHRONIC: 0.3},
    "golden_autumn": {True: 0.8, False: 0.3},  # filed or not
    "temporary": 0.1,
    "employment": 0.3,  # when the year's plan has an employment measure
    "legal": 0.9,  # when it has a legal one
}
PAYMENT_METHODS = [DisbursementMethod.BANK_TRANSFER, DisbursementMethod.CASH, DisbursementMethod.IN_KIND]
DIAGNOSES = {
    "恶性肿瘤": ["肺腺癌术后化疗", "结肠癌术后化疗", "乳腺癌术后放疗", "胃癌术后"],
    "尿毒症（终末期肾病）": ["慢性肾功能衰竭（尿毒症期）维持性血液透析"],
    "器官移植术后抗排异治疗": ["同种异体肾移植术后", "肝移植术后"],
    "白血病": ["急性髓系白血病", "慢性粒细胞白血病"],
    "再生障碍性贫血": ["重型再生障碍性贫血"],
    "急性心肌梗死": ["急性前壁心肌梗死支架植入术后"],
    "脑卒中（脑出血、脑梗死）": ["基底节区脑出血", "大面积脑梗死"],
    "重性精神疾病": ["精神分裂症", "双相情感障碍"],
}
MUTUAL_DIAGNOSES = ["腰椎间盘突出症", "社区获得性肺炎", "胆囊结石伴胆囊炎", "冠心病", "骨折术后", "2型糖尿病并发症"]
COMMENTS = {
    "return": [
        "请补充出院小结和医保结算单，核对个人自付费用。",
        "请补充家庭收入证明。",
        "请提供参保证明和住院发票原件。",
    ],
    "reject": [
        "经核实，相关费用已由商业保险理赔，不再重复救助。",
        "保险理赔款已足额到位，家庭基本生活未受严重影响。",
        "门诊费用不属于住院互助保障范围。",
    ],
    "cancel": [
        "该户已纳入民政最低生活保障，按规定不重复发放，撤销本次审批。",
        "申请人已在其他渠道获得同类救助，撤销审批。",
    ],
}
APPROVE_COMMENT = "经审核符合条件，同意。"
APPLICATION_COLUMNS = [
    "id", "organization_id", "org_path", "program_id", "kind", "household_id", "beneficiary_id", "file_id",
    "measure_id", "batch_id", "year", "reason", "disease_id", "diagnosis", "out_of_pocket_cost", "covered_cost",
    "hardship_costs", "education_stage", "school", "requested_amount", "suggested_amount", "maximum_amount",
    "approved_amount", "eligible", "reasons", "status", "budget_id", "approval_organization_id", "created_by_id",
    "submitted_by_id", "submitted_at", "decided_by_id", "decided_at", "created_at", "updated_at",
]  # fmt: skip


def _reasons_by_kind() -> dict[str, list[str]]:
    """The demo's application reasons, per kind: what caseworkers write."""
    reasons = defaultdict(list)
    for scenarios in SCENARIOS.values():
        for kind, _status, _who, reason, _figures, _comment in scenarios:
            reasons[kind].append(reason)
    reasons[K.TEMPORARY] += ["突发疾病住院，家庭一时陷入困境", "遭遇交通事故，家庭主要劳动力受伤"]
    reasons[K.LEGAL] += ["企业拖欠工资，申请工会法律援助"]
    return dict(reasons)


def stage_in(year: int, today: date, current: str, born: date) -> str:
    """A student's stage in the school year that began in `year`, from the stage now and the age then."""
    if year == today.year:
        return current
    age = year - born.year - ((9, 1) < (born.month, born.day))
    if 15 <= age <= 17:
        return EducationStage.VOCATIONAL if current in ("vocational", "college") else EducationStage.SENIOR
    if 18 <= age <= 21 and current in ("college", "undergraduate", "graduate"):
        return EducationStage.UNDERGRADUATE if current == "graduate" else current
    if age >= 22 and current == "graduate":
        return current
    return ""


@transaction.atomic
def generate(*, province: Organization, household_ids: list[int], seed: int, report: Report | None = None) -> Report:
    """Programs of the province and aid applications for these households (made by cases.generate)."""
    report = report or Report()
    fast_commit()
    with report.phase("programs: tiers, funding, programs, budget lines"):
        setup = _Setup(province, household_ids)
    with report.phase("programs: applications, events, payments"):
        maker = _Applications(random.Random(seed), setup, report)
        for start in range(0, len(household_ids), CHUNK):
            maker.chunk(sorted(household_ids[start : start + CHUNK]))
    with report.phase("programs: budget amounts"):
        setup.size_budgets()
    return report


class _Setup:
    """What the applications draw on: tiers, programs, diseases, budget lines; the union tree read once."""

    def __init__(self, province: Organization, household_ids: list[int]):
        self.province = province
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - YEARS + 1, self.today.year + 1))
        seed_tiers()
        self.tiers = defaultdict(list)
        for kind, low, high, union_kind in ApprovalTier.objects.order_by("amount_from").values_list(
            "program_kind", "amount_from", "amount_to", "union_kind"
        ):
            self.tiers[kind].append((low, high, OrganizationKind(union_kind).rank))
        unions = list(Organization.objects.filter(path__startswith=province.path))
        self.by_path = {union.path: union for union in unions}
        self.by_id = {union.id: union for union in unions}
        for union in Organization.objects.filter(path__in=province.ancestor_paths()):
            self.by_path[union.path] = union
        self.programs = self._programs()
        self.diseases = {
            program.id: list(Disease.objects.filter(program=program).order_by("pk").values_list("pk", "name"))
            for program in self.programs.values()
            if program.kind == K.CRITICAL_ILLNESS
        }
        self.lines, self.new_lines = self._lines(self._counties_of(household_ids, unions))
        self.approvers, self.tier_unions = {}, {}

    def _counties_of(self, household_ids, unions) -> list[Organization]:
        """The counties of these households (at scale: all the province's counties)."""
        wanted = set(household_ids)
        rows = Household.objects.filter(pk__gte=min(wanted, default=0), pk__lte=max(wanted, default=0))
        streets = {
            self.by_id[union_id].path for pk, union_id in rows.values_list("pk", "organization_id") if pk in wanted
        }
        counties = [union for union in unions if union.kind == OrganizationKind.COUNTY]
        return [county for county in counties if any(path.startswith(county.path) for path in streets)]

    def _programs(self) -> dict[tuple[str, int], Program]:
        sources = {}
        name = self.province.name.removesuffix("总工会")
        for key, (kind, source_name, level, donor) in SOURCES.items():
            sources[key], _created = FundingSource.objects.get_or_create(
                kind=kind, name=source_name.format(province=name), defaults={"union_level": level, "donor": donor}
            )
        programs = {}
        for kind in K:
            prefix, _owner, _source, title, description = PROGRAMS[kind]
            for year in self.years:
                code = f"{self.province.code}-{prefix.split('-')[-1]}-{year}"
                program = Program.objects.filter(code=code).first()
                if program is None:
                    program = Program(
                        code=code, name=title, kind=kind, year=year, description=description,
                        is_active=year == self.today.year, funding_source=sources[KIND_SOURCE[kind]],
                        parameters=RULES[kind].clean_parameters(PARAMETERS[kind]), pays_money=RULES[kind].pays_money,
                        open_to_unfiled=kind == K.GOLDEN_AUTUMN,
                    )  # fmt: skip
                    program.set_organization(self.province)
                    program.save()
                if kind == K.CRITICAL_ILLNESS:
                    for disease, category in DISEASES:
                        Disease.objects.get_or_create(program=program, name=disease, defaults={"category": category})
                programs[kind, year] = program
        return programs

    def _lines(self, counties):
        """A line per paying program and county, made with no money yet: size_budgets gives them their amounts."""
        paying = [program for program in self.programs.values() if program.pays_money]
        lines = {
            (budget.program_id, budget.organization_id): budget
            for budget in Budget.objects.filter(program__in=paying, organization__in=counties)
        }
        new = []
        for program in paying:
            for county in counties:
                if (program.id, county.id) not in lines:
                    budget = Budget(program=program, year=program.year, amount=ZERO, notes=f"下达{county.name}")
                    budget.set_organization(county)
                    new.append(budget)
        for budget in Budget.objects.bulk_create(new):
            lines[budget.program_id, budget.organization_id] = budget
        return lines, new

    def size_budgets(self) -> None:
        """Each line: what is granted on it (read back), plus a fifth and 20,000 yuan (a year's living aid at least)
        of room for new approvals, rounded up to 10,000."""
        lines = list(self.lines.values())
        # What Budget.objects.with_usage() adds up per line (committed + paid), for all the lines in one pass.
        usage = dict(
            AidApplication.objects.granted()
            .filter(budget__in=lines)
            .order_by()
            .values("budget")
            .annotate(total=Sum(granted_amount()))
            .values_list("budget", "total")
        )
        new_ids = {line.id for line in self.new_lines}
        changed = []
        for line in lines:
            needed = Decimal(math.ceil((usage.get(line.id, ZERO) * Decimal("1.2") + 20000) / 10000) * 10000)
            if line.amount < needed:
                line.amount = needed
                changed.append(line)
        Budget.objects.bulk_update(changed, ["amount"], batch_size=1000)
        Budget.history.bulk_history_create(self.new_lines)
        Budget.history.bulk_history_create([line for line in changed if line.id not in new_ids], update=True)

    def approval_union(self, kind: str, amount: Decimal, union: Organization) -> Organization:
        """approval_union_for of the services, from the tiers read once."""
        tiers = self.tiers.get(kind) or self.tiers.get("")
        if not tiers:
            raise RuntimeError("No approval tiers: set them in the admin.")
        if amount > 0:
            tier = next((t for t in tiers if t[0] < amount and (t[1] is None or t[1] >= amount)), None)
        else:
            tier = tiers[0]
        if tier is None:
            raise RuntimeError(f"No approval tier covers {amount}.")
        key = (union.id, tier[2])
        if key not in self.tier_unions:
            branch = [self.by_path[path] for path in union.ancestor_paths() if path in self.by_path]
            self.tier_unions[key] = [u for u in branch if OrganizationKind(u.kind).rank <= tier[2]][-1]
        return self.tier_unions[key]

    def approver(self, union: Organization):
        if union.id not in self.approvers:
            self.approvers[union.id] = staff_user(f"gen_ap_{union.code}", union, Role.APPROVER)
        return self.approvers[union.id]


class _Texts:
    """The rules' reasons, translated once into the file language (as _store_verdict records them)."""

    def __init__(self):
        with translation.override(settings.LANGUAGE_CODE):
            self.member = _("%(name)s is a current member of the household.")
            self.filed = _("The household has an active hardship file.")
            self.unfiled = _("The household has no active file; this program is open to unfiled workers.")
            self.line_set = _("The local minimum living line is set.")
            self.months = _("%(category)s: %(months)s months × %(line)s = %(amount)s.")
            self.room = _("Living aid granted this year: %(already)s; room under the yearly cap: %(room)s.")
            self.disease = _("%(disease)s is on the program's list of diseases.")
            self.cost_ok = _("Out-of-pocket cost %(cost)s reaches the threshold of %(threshold)s.")
            self.cost_low = _("Out-of-pocket cost %(cost)s is below the threshold of %(threshold)s.")
            self.band = _("The cost band gives %(amount)s.")
            self.child = _("%(name)s is a child of the worker (filed under the parent).")
            self.student = _("%(name)s is a student at an eligible stage (%(stage)s).")
            self.first_grant = _("No Golden Autumn grant for this student this year yet.")
            self.stage_set = _("The amount for this stage is set.")
            self.stage_amount = _("%(stage)s, %(household)s household: %(amount)s.")
            self.filed_word, self.unfiled_word = _("filed"), _("unfiled")
            self.temporary = _("Temporary relief this year: %(already)s of the yearly cap %(cap)s.")
            self.costs = _("Hardship costs: %(costs)s.")
            self.share = _("%(share)s%% of the costs is %(amount)s.")
            self.holiday = _("No holiday visit for this household this year yet.")
            self.union_member = _("%(name)s is a union member in the mutual-aid plan.")
            self.covered = _("Covered cost: %(cost)s.")
            self.percent = _("%(percent)s%% of %(cost)s, at most %(cap)s a claim.")
            self.service = _("This program gives a service, not money; record its outcome on the plan measure.")
            self.holiday_reason = _("Holiday visit (送温暖) %(year)d")
            self.categories = {value: str(label) for value, label in Category.choices}
            self.stages = {value: str(label) for value, label in EducationStage.choices}


class _Claim:
    """One application before its status: who, for what, when it can be made, and the rule's verdict."""

    __slots__ = ("kind", "year", "member", "file", "first", "last", "figures", "measure", "maximum", "reasons")

    def __init__(self, kind, year, member, file, first, last, figures=None, measure=None):
        self.kind, self.year, self.member, self.file = kind, year, member, file
        self.first, self.last, self.figures, self.measure = first, last, figures or {}, measure
        self.maximum, self.reasons = ZERO, []

    @property
    def eligible(self) -> bool:
        return all(passed for passed, _text in self.reasons)


class _Applications:
    def __init__(self, rng, setup: _Setup, report: Report):
        self.rng, self.setup, self.today, self.report = rng, setup, setup.today, report
        self.clock = Clock(rng)
        self.texts = _Texts()
        self.line = dibao_lines(setup.province)
        self.reasons = _reasons_by_kind()
        self.ids = Ids()
        self.batches_made = {}  # (county id, year) -> [batch id or None, day]
        self.staff, self.counties = {}, {}
        self.rules = {key: RULES[program.kind](program) for key, program in setup.programs.items()}
        self.applications = Table(AidApplication, APPLICATION_COLUMNS, report, at="updated_at", by="created_by_id")
        event_columns = ["application_id", "action", "from_status", "to_status", "amount", "by_id", "at", "comment"]
        self.events = Table(ApplicationEvent, event_columns, report)
        self.payments = Table(
            Disbursement, ["id", "organization_id", "org_path", "application_id", "amount", "paid_on", "method",
                           "reference", "recorded_by_id", "snapshot", "created_at"],
            report, at="created_at", by="recorded_by_id",
        )  # fmt: skip
        self.batches = Table(
            ApplicationBatch, ["id", "organization_id", "org_path", "program_id", "created_by_id", "created_at",
                               "approved_by_id", "approved_at"],
            report, at="approved_at", by="approved_by_id",
        )  # fmt: skip
        self.tables = [self.batches, self.applications, self.events, self.payments]

    def chunk(self, ids: list[int]) -> None:
        """The applications of these households (ascending ids), read back from the database as cases wrote them."""
        wanted = set(ids)
        span = {"household_id__gte": ids[0], "household_id__lte": ids[-1]}
        households = Household.objects.filter(pk__gte=ids[0], pk__lte=ids[-1]).values_list(
            "id", "organization_id", "code", "address", "bank_name", "bank_account", "current_file_id", named=True
        )
        files = HardshipFile.objects.filter(**span).values_list(
            "id", "number", "category", "status", "activated_on", "closed_on", named=True
        )
        files = {file.id: file for file in files}
        members = defaultdict(list)
        for member in (
            Member.objects.filter(**span, is_active=True)
            .order_by("household_id", "pk")
            .values_list(
                "id",
                "household_id",
                "name",
                "id_number",
                "relation",
                "birth_date",
                "is_union_member",
                "health",
                "education_stage",
                named=True,
            )  # fmt: skip
        ):
            members[member.household_id].append(member)
        measures = defaultdict(dict)  # (file id, year) -> {measure type: first measure id}
        for pk, file_id, year, kind in (
            PlanMeasure.objects.filter(plan__file__household_id__gte=ids[0], plan__file__household_id__lte=ids[-1])
            .order_by("pk")
            .values_list("pk", "plan__file_id", "plan__year", "measure_type")
        ):
            measures[file_id, year].setdefault(kind, pk)
        for household in households:
            if household.id in wanted and members[household.id]:
                self.household(household, files.get(household.current_file_id), members[household.id], measures)
        for table in self.tables:
            table.flush()
        check_foreign_keys(self.report)

    # ---- what a household applies for ------------------------------------------------------------------------------

    def household(self, household, file, members, measures) -> None:
        rng, today = self.rng, self.today
        union = self.setup.by_id[household.organization_id]
        head = next((m for m in members if m.relation == Relation.HEAD), members[0])
        for year in self.setup.years:
            end = min(date(year, 12, 31), today)
            filed = None  # the days of the year the household was filed
            if file and file.activated_on and file.activated_on <= end:
                if file.closed_on is None or file.closed_on >= date(year, 1, 1):
                    filed = (max(file.activated_on, date(year, 1, 1)), min(file.closed_on or end, end))
            claims = []
            if filed:
                claims += self._filed_claims(union, year, file, filed, head, members, measures)
            for member in members:
                stage = (
                    stage_in(year, today, member.education_stage, member.birth_date)
                    if member.relation == Relation.CHILD
                    else ""
                )
                if stage in ELIGIBLE_STAGES and rng.random() < CHANCES["golden_autumn"][filed is not None]:
                    first, last = date(year, 8, 10), min(date(year, 9, 30), end)
                    if first <= last:
                        claims.append(_Claim(K.GOLDEN_AUTUMN, year, member, file, first, last, {"stage": stage}))
            if rng.random() < CHANCES["temporary"]:
                claims.append(_Claim(K.TEMPORARY, year, head, file, date(year, 1, 1), end))
            temporary_room = self.rules[K.TEMPORARY, year].money("yearly_cap")
            for claim in claims:
                day = day_between(rng, claim.first, claim.last)
                if filed is None or not filed[0] <= day <= filed[1]:
                    claim.file = None  # not filed that day: golden autumn and temporary relief only
                granted = self.application(household, file, union, claim, day, members, temporary_room)
                if claim.kind == K.TEMPORARY:
                    temporary_room -= granted

    def _filed_claims(self, union, year, file, filed, head, members, measures) -> list[_Claim]:
        """What a filed household applies for in a year: the programs that need an active file."""
        rng, claims = self.rng, []
        batch_day = self._batch_day(union, year)
        if filed[0] <= batch_day <= filed[1]:
            claims.append(_Claim(K.HOLIDAY, year, head, file, batch_day, batch_day))
        if (filed[1] - filed[0]).days >= 45 and rng.random() < CHANCES["living"][file.category]:
            claims.append(_Claim(K.LIVING, year, head, file, *filed))
        for member in members:
            if rng.random() < CHANCES["critical_illness"].get(member.health, 0.005):
                claims.append(_Claim(K.CRITICAL_ILLNESS, year, member, file, *filed))
            if member.is_union_member and rng.random() < CHANCES["medical_mutual"].get(member.health, 0.05):
                claims.append(_Claim(K.MEDICAL_MUTUAL, year, member, file, *filed))
        for kind in (K.EMPLOYMENT, K.LEGAL):
            measure = measures.get((file.id, year), {}).get(kind)
            if measure and rng.random() < CHANCES[kind]:
                claims.append(_Claim(kind, year, head, file, *filed, measure=measure))
        return claims

    def _batch_day(self, union, year) -> date:
        """The day the county's Spring Festival batch of that year was made (the same for the whole county)."""
        key = (self._county(union).id, year)
        if key not in self.batches_made:
            day = date(year, 1, 6) + timedelta(days=random.Random(f"{key}").randrange(14))
            self.batches_made[key] = [None, min(day, self.today)]
        return self.batches_made[key][1]

    def _county(self, union):
        if union.id not in self.counties:
            branch = [self.setup.by_path[path] for path in union.ancestor_paths()]
            self.counties[union.id] = next(u for u in reversed(branch) if u.kind == OrganizationKind.COUNTY)
        return self.counties[union.id]

    def _staff(self, county):
        if county.id not in self.staff:
            self.staff[county.id] = (
                staff_user(f"gen_cw_{county.code}", county, Role.CASEWORKER),
                staff_user(f"gen_ap_{county.code}", county, Role.APPROVER),
            )
        return self.staff[county.id]

    # ---- one application ---------------------------------------------------------------------------------------------

    def application(self, household, current, union, claim, day, members, temporary_room) -> Decimal:
        """Write the application of `claim` made on `day`, its events and payment; returns the amount granted."""
        rng, clock = self.rng, self.clock
        program = self.setup.programs[claim.kind, claim.year]
        self._judge(claim, program, union, temporary_room)
        eligible = claim.eligible
        if eligible and program.pays_money and claim.maximum <= 0:
            return ZERO  # nothing left to grant (the yearly cap of temporary relief is reached)
        status = self._status(claim, program, day)
        county = self._county(union)
        caseworker, approver = self._staff(county)
        holiday = claim.kind == K.HOLIDAY
        creator = approver if holiday else caseworker  # holiday_batch_generate: the approver makes the batch
        requested = self._requested(claim, status)
        approved = None
        if status in (S.APPROVED, S.DISBURSED, S.CANCELLED):
            approved = requested if program.pays_money else ZERO
            if program.pays_money and not holiday and requested > 200 and rng.random() < 0.07:
                less = Decimal(int(requested * Decimal("0.8") / 100) * 100)  # the approver grants less, in its tier
                tier_of = self.setup.approval_union
                if tier_of(claim.kind, less, union) == tier_of(claim.kind, requested, union):
                    approved = less
        line = self.setup.lines[program.id, county.id] if program.pays_money and approved is not None else None
        application_id = self.ids.one(AidApplication)

        created = clock.at(day)
        events = [] if holiday else [("create", "", S.DRAFT, None, caseworker, created, "")]
        submitted = decided = approval_union = None
        if status != S.DRAFT:
            submitted = created if holiday else self._after(created, rng.randrange(0, 3))
            approval_union = self.setup.approval_union(claim.kind, requested, union)
            if approval_union.id != county.id:
                approver = self.setup.approver(approval_union)
            if holiday:
                events.append(("batch", "", S.SUBMITTED, requested, approver, submitted, ""))
            else:
                events.append(("submit", S.DRAFT, S.SUBMITTED, requested, caseworker, submitted, ""))
        moment = submitted
        if status in (S.APPROVED, S.DISBURSED, S.CANCELLED, S.REJECTED, S.RETURNED):
            if status != S.RETURNED and not holiday and rng.random() < 0.05:  # returned once, then resubmitted
                moment = self._after(moment, rng.randrange(2, 8))
                events.append(
                    ("return", S.SUBMITTED, S.RETURNED, None, approver, moment, rng.choice(COMMENTS["return"]))
                )
                moment = self._after(moment, rng.randrange(1, 6))
                events.append(("resubmit", S.RETURNED, S.SUBMITTED, requested, caseworker, moment, ""))
                submitted = moment
            decided = moment = self._after(moment, rng.randrange(1, 4) if holiday else rng.randrange(2, 12))
            if status in (S.REJECTED, S.RETURNED):
                action = "return" if status == S.RETURNED else "reject"
                events.append((action, S.SUBMITTED, status, None, approver, decided, rng.choice(COMMENTS[action])))
            elif holiday:
                events.append(("approve_batch", S.SUBMITTED, S.APPROVED, approved, approver, decided, ""))
            else:
                events.append(("approve", S.SUBMITTED, S.APPROVED, approved, approver, decided, APPROVE_COMMENT))
        if status == S.CANCELLED:
            moment = self._after(moment, rng.randrange(3, 30))
            events.append(("cancel", S.APPROVED, S.CANCELLED, None, approver, moment, rng.choice(COMMENTS["cancel"])))
        if status == S.DISBURSED:
            moment = self._after(moment, rng.randrange(2, 20))
            # disbursement_record: an approver who did not make the application (a batch's maker is the county's)
            payer = self.setup.approver(self.setup.by_id[county.parent_id]) if holiday else approver
            self._pay(household, current, union, claim, members, application_id, approved, moment, payer, events)

        figures, member = claim.figures, claim.member
        stage = figures.get("stage", "")
        reason = self.texts.holiday_reason % {"year": claim.year} if holiday else rng.choice(self.reasons[claim.kind])
        self.applications.add((
            application_id, union.id, union.path, program.id, program.kind, household.id, member.id,
            claim.file.id if claim.file else None, claim.measure,
            self._batch(county, program, claim.year, approver) if holiday else None, claim.year, reason,
            figures.get("disease"), figures.get("diagnosis", ""), figures.get("out_of_pocket_cost"),
            figures.get("covered_cost"), figures.get("hardship_costs"), stage, realism.SCHOOLS.get(stage, ""),
            requested, claim.maximum, claim.maximum, approved, eligible, claim.reasons, status,
            line.id if line is not None else None, approval_union.id if approval_union else None, creator.id,
            creator.id if submitted else None, submitted, approver.id if decided else None, decided, created,
            events[-1][5],
        ))  # fmt: skip
        for action, before, after, amount, by, at, comment in events:
            self.events.add((application_id, action, before, after, amount, by.id, at, comment))
        return approved if status in (S.APPROVED, S.DISBURSED) else ZERO

    def _status(self, claim: _Claim, program, day: date) -> str:
        if not claim.eligible:
            return S.DRAFT  # the rule refuses it: submit would not let it go
        age = (self.today - day).days
        if claim.kind == K.HOLIDAY:  # a batch is approved as a whole within days; the payments follow
            return S.APPROVED if age <= 7 else self.rng.choices([S.DISBURSED, S.APPROVED, S.CANCELLED], [96, 3, 1])[0]
        statuses, cumulative = next(choice for limit, *choice in AGES if limit is None or age <= limit)
        status = self.rng.choices(statuses, cum_weights=cumulative)[0]
        return S.APPROVED if status == S.DISBURSED and not program.pays_money else status

    def _requested(self, claim: _Claim, status: str) -> Decimal | None:
        """Usually what the rule suggests; sometimes less (rounded to 100 yuan); a draft may not say yet."""
        rng = self.rng
        if status == S.DRAFT and (not claim.eligible or rng.random() < 0.5):
            return None
        if claim.kind != K.HOLIDAY and claim.maximum >= 1000 and rng.random() < 0.2:
            return Decimal(int(claim.maximum * Decimal(rng.uniform(0.6, 0.95)) / 100) * 100)
        return claim.maximum

    def _after(self, moment, days: int):
        """A moment `days` later on a working hour, after `moment` and never after now."""
        clock = self.clock
        later = clock.at(min(moment.date() + timedelta(days=days), clock.today))
        if later <= moment:
            later = moment + timedelta(minutes=self.rng.randrange(5, 180))
        return later if later <= clock.now else moment + (clock.now - moment) / 2

    def _pay(self, household, current, union, claim, members, application_id, amount, moment, payer, events):
        """disbursement_record: the payment of the approved amount, with the household as it is on the day."""
        rng = self.rng
        paid_on = moment.date()  # Clock's moments are in the local offset
        if claim.kind == K.HOLIDAY:
            method = DisbursementMethod.BANK_TRANSFER
        else:
            method = rng.choices(PAYMENT_METHODS, cum_weights=[85, 97, 100])[0]
        if method == DisbursementMethod.CASH:
            reference = f"现金支出凭证 第{rng.randrange(1, 9999):04d}号"
        else:
            reference = f"代发凭证 {paid_on:%Y%m%d}{rng.randrange(1000, 9999)}"
        events.append(("disburse", S.APPROVED, S.DISBURSED, amount, payer, moment, reference))
        snapshot = self._snapshot(household, current, union, claim, members)
        self.payments.add((self.ids.one(Disbursement), union.id, union.path, application_id, amount, paid_on, method,
                           reference, payer.id, snapshot, moment))  # fmt: skip

    def _batch(self, county, program, year, approver) -> int:
        """The county's holiday-visit batch of the year, generated and approved by its approver."""
        made = self.batches_made[county.id, year]
        if made[0] is None:
            made[0] = self.ids.one(ApplicationBatch)
            at = self.clock.at(made[1])
            self.batches.add((made[0], county.id, county.path, program.id, approver.id, at, approver.id,
                              at + timedelta(hours=2)))  # fmt: skip
        return made[0]

    def _snapshot(self, household, current, union, claim, members) -> dict:
        """household_snapshot of the payment service: the application's file, else the household's current one."""
        file = claim.file or current
        head = next((m for m in members if m.relation == Relation.HEAD), None)
        return {
            "household_code": household.code,
            "address": household.address,
            "head_name": head.name if head else "",
            "beneficiary_name": claim.member.name,
            "beneficiary_id_masked": mask_id_number(claim.member.id_number),
            "bank_name": household.bank_name,
            "bank_account": household.bank_account,
            "file_number": file.number if file else "",
            "category": self.texts.categories.get(file.category, "") if file else "",
            "category_code": file.category if file else "",
            "union": union.name,
        }

    # ---- the rule's verdict ------------------------------------------------------------------------------------------

    def _judge(self, claim: _Claim, program, union, temporary_room) -> None:
        """The figures the rule reads, its reasons and its maximum, as Rule.evaluate gives them for this application."""
        texts, rule, member = self.texts, self.rules[claim.kind, claim.year], claim.member
        reasons = [[True, texts.member % {"name": member.name}]]
        filed = claim.file is not None
        if program.needs_file:
            reasons.append([True, texts.filed])
        elif not filed:
            reasons.append([True, texts.unfiled])
        judge = getattr(self, f"_judge_{claim.kind}", None)
        maximum = judge(claim, rule, reasons, union, temporary_room) if judge else ZERO
        if judge is None:
            reasons.append([True, texts.service])
        claim.reasons = reasons
        claim.maximum = max(yuan(maximum), ZERO) if claim.eligible else ZERO

    def _judge_living(self, claim, rule, reasons, union, _room):
        texts, category = self.texts, claim.file.category
        line = self.line(union, claim.year)
        months = rule.money(f"months_{category}") or ZERO
        room = rule.money("cap_months") * line  # one living-aid grant a year: nothing granted before it
        amounts = {"category": texts.categories[category], "months": plain(months), "line": show(line)}
        reasons += [
            [True, texts.line_set],
            [True, texts.months % {**amounts, "amount": show(months * line)}],
            [True, texts.room % {"already": show(ZERO), "room": show(room)}],
        ]
        return min(months * line, room)

    def _judge_critical_illness(self, claim, rule, reasons, _union, _room):
        rng, texts = self.rng, self.texts
        disease_id, disease = rng.choice(self.setup.diseases[self.setup.programs[claim.kind, claim.year].id])
        threshold = int(rule.money("threshold"))
        below = rng.random() < 0.04  # still collecting the bills: a draft the rule refuses for now
        cost = Decimal(rng.randrange(threshold // 2, threshold) if below else rng.randrange(threshold, threshold * 5))
        diagnosis = rng.choice(DIAGNOSES.get(disease, [disease]))
        claim.figures = {"disease": disease_id, "diagnosis": diagnosis, "out_of_pocket_cost": cost}
        reasons.append([True, texts.disease % {"disease": disease}])
        figures = {"cost": show(cost), "threshold": show(threshold)}
        if below:
            reasons.append([False, texts.cost_low % figures])
            return ZERO
        reasons.append([True, texts.cost_ok % figures])
        band = ZERO
        for low, amount in rule.params.get("bands", []):
            if cost >= Decimal(low):
                band = Decimal(amount)
        reasons.append([True, texts.band % {"amount": show(band)}])
        return min(band, cost)

    def _judge_golden_autumn(self, claim, rule, reasons, _union, _room):
        texts, name, filed = self.texts, claim.member.name, claim.file is not None
        stage = claim.figures["stage"]
        label = texts.stages[stage]
        group = "higher" if stage in HIGHER_EDUCATION else "senior"
        amount = rule.money(f"{group}_{'filed' if filed else 'unfiled'}") or ZERO
        household = texts.filed_word if filed else texts.unfiled_word
        reasons += [
            [True, texts.child % {"name": name}],
            [True, texts.student % {"name": name, "stage": label}],
            [True, texts.first_grant],
            [True, texts.stage_set],
            [True, texts.stage_amount % {"stage": label, "amount": show(amount), "household": household}],
        ]
        return amount

    def _judge_temporary(self, claim, rule, reasons, _union, room):
        texts = self.texts
        cap, share = rule.money("yearly_cap"), rule.money("cost_share_percent")
        costs = Decimal(self.rng.randrange(8000, 90000))
        claim.figures = {"hardship_costs": costs}
        reasons.append([True, texts.temporary % {"already": show(cap - room), "cap": show(cap)}])
        if share is None:
            return room
        reasons.append([True, texts.costs % {"costs": show(costs)}])
        reasons.append([True, texts.share % {"share": plain(share), "amount": show(costs * share / HUNDRED)}])
        return min(room, costs * share / HUNDRED)

    def _judge_holiday(self, claim, rule, reasons, _union, _room):
        reasons.append([True, self.texts.holiday])
        return rule.money("amount")

    def _judge_medical_mutual(self, claim, rule, reasons, _union, _room):
        texts = self.texts
        cost = Decimal(self.rng.randrange(2000, 30000))
        percent, cap = rule.money("percent"), rule.money("claim_cap")
        claim.figures = {"diagnosis": self.rng.choice(MUTUAL_DIAGNOSES), "covered_cost": cost}
        reasons += [
            [True, texts.union_member % {"name": claim.member.name}],
            [True, texts.covered % {"cost": show(cost)}],
            [True, texts.percent % {"percent": plain(percent), "cost": show(cost), "cap": show(cap)}],
        ]
        return min(cost * percent / HUNDRED, cap)
