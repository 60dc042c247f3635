"""Demo aid programs, budgets and applications for `make run`, made through the real services like cases/demo.py."""

import itertools
import logging
import random
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.errors import DomainError
from accounts.models import Organization, OrganizationKind, User
from cases.choices import FILED_STATUSES, FileStatus, Health, Relation
from cases.models import Household, PlanMeasure
from programs.choices import (
    HIGHER_EDUCATION,
    SENIOR_HIGH,
    ApplicationStatus,
    DisbursementMethod,
    FundingKind,
    ProgramKind,
)
from programs.models import AidApplication, ApprovalTier, Budget, Disbursement, Disease, FundingSource, Program
from programs.rules import RULES
from programs.services.applications import application_create, application_decide, application_submit
from programs.services.money import (
    application_approve,
    disbursement_record,
    holiday_batch_approve,
    holiday_batch_generate,
)

logger = logging.getLogger(__name__)
S = ApplicationStatus

# DOMAIN.md: up to 20,000 the county union approves, up to 50,000 the city, above that the province.
TIERS = [(Decimal("0"), Decimal("20000"), OrganizationKind.COUNTY), (Decimal("20000"), Decimal("50000"), OrganizationKind.CITY),
         (Decimal("50000"), None, OrganizationKind.PROVINCIAL)]  # fmt: skip

# key: (kind, name, union level, donor, notes)
SOURCES = {
    "national": (FundingKind.UNION_FUND, "全国总工会送温暖资金", OrganizationKind.NATIONAL, "", "全总每年“两节”下拨的送温暖专项资金"),
    "provincial": (FundingKind.UNION_FUND, "浙江省总工会帮扶资金", OrganizationKind.PROVINCIAL, "", "省总工会本级工会经费中安排的帮扶资金"),
    "county": (FundingKind.UNION_FUND, "余姚市总工会帮扶资金", OrganizationKind.COUNTY, "", "余姚市总工会本级经费安排"),
    "central": (FundingKind.CENTRAL_SPECIAL, "中央财政专项帮扶资金", "", "", "中央财政下达、省总工会统筹使用的困难职工帮扶专项资金"),
    "government": (FundingKind.GOVERNMENT, "余姚市财政困难职工救助配套资金", "", "", "市财政按年度预算拨付工会统筹使用"),
    "donation": (FundingKind.DONATION, "阳明光学金秋助学基金", "", "余姚市阳明光学仪器有限公司", "企业捐资设立的冠名助学基金，由省总工会金秋助学统一发放"),
}  # fmt: skip

PARAMETERS = {
    ProgramKind.LIVING: {"months_deep": "10", "months_relative": "8", "months_accident": "8", "cap_months": "12"},
    ProgramKind.CRITICAL_ILLNESS: {"threshold": "30000", "bands": [["30000", "4000"], ["50000", "6000"], ["80000", "8000"], ["100000", "10000"]]},
    ProgramKind.GOLDEN_AUTUMN: {"higher_filed": "5000", "senior_filed": "3000", "higher_unfiled": "4000", "senior_unfiled": "2000"},
    ProgramKind.TEMPORARY: {"yearly_cap": "10000", "cost_share_percent": "15"},
    ProgramKind.HOLIDAY: {"amount": "1500"},
    ProgramKind.MEDICAL_MUTUAL: {"percent": "50", "claim_cap": "5000"},
    ProgramKind.EMPLOYMENT: {},
    ProgramKind.LEGAL: {},
}  # fmt: skip

# kind: (code prefix, owning union, funding source, name, description); codes end with the year.
PROGRAMS = {
    ProgramKind.LIVING: ("ZJ-SHJZ", "330000", "central", "困难职工生活救助", "对在档困难职工家庭按困难类别发放生活救助：深度困难10个月、相对困难和意外致困8个月当地低保标准，每户每年合计不超过12个月。"),
    ProgramKind.CRITICAL_ILLNESS: ("ZJ-DBJZ", "330000", "provincial", "重特大疾病专项救助", "实行“病种+费用”模式：所患疾病在救助病种目录内，且医保、大病保险等报销后个人自付费用达到3万元的，按费用分档给予4000元至1万元救助，不超过个人自付费用。"),
    ProgramKind.GOLDEN_AUTUMN: ("ZJ-JQZX", "330000", "donation", "金秋助学·阳明光学圆梦助学金", "资助困难职工家庭在读子女：在档困难职工家庭大学生每人5000元、高中（中职）生每人3000元；未建档的困难职工家庭分别为4000元、2000元。每名学生每年限一次。"),
    ProgramKind.TEMPORARY: ("YY-LSJZ", "330281", "government", "困难职工临时救助", "对因火灾、交通事故、突发疾病等导致基本生活暂时出现严重困难的职工家庭（含未建档职工）给予临时救助，不超过困难支出的15%，每户每年累计不超过1万元。"),
    ProgramKind.HOLIDAY: ("YY-SWN", "330281", "national", "“两节”送温暖慰问", "元旦、春节期间对在档困难职工家庭逐户走访慰问，每户发放慰问金1500元，由市总工会统一生成名单、一次审批、银行代发。"),
    ProgramKind.MEDICAL_MUTUAL: ("ZJ-YLHZ", "330000", "provincial", "职工医疗互助保障计划", "参加职工医疗互助保障计划的工会会员住院治疗，按互助计划范围内医疗费用的50%给予补助，每次最高5000元。"),
    ProgramKind.EMPLOYMENT: ("YY-JYBF", "330281", "county", "阳光就业帮扶", "为下岗失业的困难职工及家属提供免费技能培训、职业指导和岗位推荐，不发放资金。"),
    ProgramKind.LEGAL: ("YY-FLYZ", "330281", "county", "职工法律援助", "为困难职工追讨欠薪、工伤认定、劳动争议调解仲裁提供免费法律咨询和代理，不发放资金。"),
}  # fmt: skip

DISEASES = [("恶性肿瘤", "cancer"), ("尿毒症（终末期肾病）", "kidney"), ("器官移植术后抗排异治疗", "transplant"),
            ("白血病", "blood"), ("再生障碍性贫血", "blood"), ("急性心肌梗死", "cardiovascular"),
            ("脑卒中（脑出血、脑梗死）", "cardiovascular"), ("重性精神疾病", "mental")]  # fmt: skip

# Budget lines: kind -> [(union, amount, notes)]. 慈溪's critical-illness line is small, so it ends up nearly used.
BUDGETS = {
    ProgramKind.LIVING: [("330000", "500000", "省级统筹"), ("330281", "300000", "下达余姚市"), ("330282", "200000", "下达慈溪市")],
    ProgramKind.CRITICAL_ILLNESS: [("330000", "800000", "省级统筹"), ("330281", "400000", "下达余姚市"), ("330282", "30000", "下达慈溪市首批资金，追加申请中")],
    ProgramKind.GOLDEN_AUTUMN: [("330000", "300000", "阳明光学捐资"), ("330281", "150000", "下达余姚市"), ("330282", "100000", "下达慈溪市")],
    ProgramKind.MEDICAL_MUTUAL: [("330000", "200000", "省级统筹"), ("330281", "120000", "下达余姚市"), ("330282", "80000", "下达慈溪市")],
    ProgramKind.TEMPORARY: [("330281", "200000", "市财政配套")],
    ProgramKind.HOLIDAY: [("330281", "100000", "全总下拨及市总配套")],
}  # fmt: skip

PEOPLE = {"330281": ("demo_caseworker", "demo_approver"), "330282": ("demo_caseworker_b", "demo_approver_b")}

# One demo application: (kind, final status, who (head | spouse | student | unfiled_head | unfiled_student),
# reason, figures, the approver's comment for return/reject/cancel). Amounts follow from the rules.
K = ProgramKind
ILLNESS_KINDS = (K.CRITICAL_ILLNESS, K.MEDICAL_MUTUAL)
SCENARIOS = {
    "330281": [
        (K.CRITICAL_ILLNESS, S.DISBURSED, "head", "患恶性肿瘤住院治疗，医保报销后自付费用较高", {"disease": "恶性肿瘤", "diagnosis": "肺腺癌（IIIA期）术后化疗", "out_of_pocket_cost": "86500"}, ""),
        (K.CRITICAL_ILLNESS, S.APPROVED, "spouse", "尿毒症维持性血液透析，每周三次，自付费用超出家庭承受能力", {"disease": "尿毒症（终末期肾病）", "diagnosis": "慢性肾功能衰竭（尿毒症期）", "out_of_pocket_cost": "52300"}, ""),
        (K.CRITICAL_ILLNESS, S.SUBMITTED, "head", "急性白血病住院化疗，医保和大病保险报销后自付部分仍较大", {"disease": "白血病", "diagnosis": "急性髓系白血病", "out_of_pocket_cost": "124000"}, ""),
        (K.CRITICAL_ILLNESS, S.RETURNED, "head", "突发脑出血在宁波市第一医院手术治疗，后续康复费用较高", {"disease": "脑卒中（脑出血、脑梗死）", "diagnosis": "基底节区脑出血", "out_of_pocket_cost": "41800"}, "请补充出院小结和医保结算单，核对个人自付费用。"),
        (K.CRITICAL_ILLNESS, S.REJECTED, "head", "急性心肌梗死行支架植入手术", {"disease": "急性心肌梗死", "diagnosis": "急性前壁心肌梗死", "out_of_pocket_cost": "38600"}, "经核实，该笔费用已由商业医疗保险理赔，扣除后个人自付费用未达到3万元起付标准。"),
        (K.CRITICAL_ILLNESS, S.DRAFT, "spouse", "乳腺癌术后放疗，正在收集费用票据", {"disease": "恶性肿瘤", "diagnosis": "乳腺癌术后", "out_of_pocket_cost": "18600"}, ""),
        (K.LIVING, S.DISBURSED, "head", "户主长期患病无法工作，家庭人均收入低于当地低保标准", {}, ""),
        (K.LIVING, S.APPROVED, "head", "户主下岗后仅靠打零工维持生活，配偶残疾无劳动能力", {}, ""),
        (K.LIVING, S.SUBMITTED, "head", "家庭主要劳动力患病，子女在读，生活困难", {}, ""),
        (K.LIVING, S.CANCELLED, "head", "户主失业，家庭收入微薄", {}, "该户已纳入民政最低生活保障，按规定不重复发放生活救助，撤销本次审批。"),
        (K.GOLDEN_AUTUMN, S.DISBURSED, "student", "子女在读，学费和生活费负担较重，申请金秋助学", {}, ""),
        (K.GOLDEN_AUTUMN, S.APPROVED, "student", "子女在读，家庭收入难以负担学习费用", {}, ""),
        (K.GOLDEN_AUTUMN, S.SUBMITTED, "student", "父母一方长期患病，子女学费需要资助", {}, ""),
        (K.GOLDEN_AUTUMN, S.DRAFT, "student", "子女今年新入学，申请金秋助学", {}, ""),
        (K.GOLDEN_AUTUMN, S.DISBURSED, "unfiled_student", "父亲所在企业停产，家庭收入骤降，子女学费无着落", {}, ""),
        (K.TEMPORARY, S.DISBURSED, "unfiled_head", "租住房屋突发火灾，家具电器和衣物全部烧毁，一家人暂住亲戚家", {"hardship_costs": "36000"}, ""),
        (K.TEMPORARY, S.SUBMITTED, "head", "配偶遭遇交通事故住院，肇事方无力赔偿，家庭一时陷入困境", {"hardship_costs": "52000"}, ""),
        (K.TEMPORARY, S.REJECTED, "head", "台风导致自建房屋漏水受损", {"hardship_costs": "12000"}, "保险理赔款已足额到位，家庭基本生活未受严重影响。"),
        (K.MEDICAL_MUTUAL, S.DISBURSED, "head", "参加职工医疗互助保障计划，因腰椎间盘突出住院手术", {"diagnosis": "腰椎间盘突出症", "covered_cost": "9800"}, ""),
        (K.MEDICAL_MUTUAL, S.APPROVED, "head", "参加职工医疗互助保障计划，因肺炎住院治疗", {"diagnosis": "社区获得性肺炎", "covered_cost": "6400"}, ""),
        (K.MEDICAL_MUTUAL, S.RETURNED, "head", "参加职工医疗互助保障计划，因胆结石住院手术", {"diagnosis": "胆囊结石伴胆囊炎", "covered_cost": "15200"}, "请提供参保证明和住院发票原件。"),
        (K.EMPLOYMENT, S.APPROVED, "head", "户主下岗后求职困难，申请参加工会免费育婴员技能培训并推荐就业岗位", {}, ""),
        (K.EMPLOYMENT, S.DRAFT, "spouse", "配偶希望参加家政服务培训，就近灵活就业", {}, ""),
        (K.LEGAL, S.SUBMITTED, "head", "户主所在企业拖欠工资三个月共计一万二千元，申请工会法律援助追讨欠薪", {}, ""),
        (K.LEGAL, S.APPROVED, "head", "户主工作中受伤，企业拒绝申报工伤，申请法律援助", {}, ""),
    ],
    "330282": [
        (K.CRITICAL_ILLNESS, S.DISBURSED, "head", "患恶性肿瘤多次住院治疗，医保报销后自付费用较高", {"disease": "恶性肿瘤", "diagnosis": "结肠癌术后化疗", "out_of_pocket_cost": "105000"}, ""),
        (K.CRITICAL_ILLNESS, S.DISBURSED, "spouse", "肾移植术后长期服用抗排异药物", {"disease": "器官移植术后抗排异治疗", "diagnosis": "同种异体肾移植术后", "out_of_pocket_cost": "92000"}, ""),
        (K.CRITICAL_ILLNESS, S.APPROVED, "head", "再生障碍性贫血长期输血治疗", {"disease": "再生障碍性贫血", "diagnosis": "重型再生障碍性贫血", "out_of_pocket_cost": "66000"}, ""),
        (K.CRITICAL_ILLNESS, S.APPROVED, "head", "精神分裂症反复住院治疗，家庭负担沉重", {"disease": "重性精神疾病", "diagnosis": "精神分裂症", "out_of_pocket_cost": "31500"}, ""),
        (K.CRITICAL_ILLNESS, S.SUBMITTED, "spouse", "胃癌术后化疗，医保报销后自付费用较高", {"disease": "恶性肿瘤", "diagnosis": "胃癌术后", "out_of_pocket_cost": "33200"}, ""),
        (K.LIVING, S.DISBURSED, "head", "户主因病丧失劳动能力，家庭人均收入低于当地低保标准", {}, ""),
        (K.LIVING, S.DRAFT, "head", "户主失业，配偶慢性病需长期服药", {}, ""),
        (K.GOLDEN_AUTUMN, S.DISBURSED, "student", "子女在读，学费和住宿费负担较重，申请金秋助学", {}, ""),
        (K.GOLDEN_AUTUMN, S.SUBMITTED, "student", "单亲家庭，子女在读，生活拮据", {}, ""),
        (K.MEDICAL_MUTUAL, S.APPROVED, "head", "参加职工医疗互助保障计划，因冠心病住院治疗", {"diagnosis": "冠状动脉粥样硬化性心脏病", "covered_cost": "12600"}, ""),
        (K.MEDICAL_MUTUAL, S.REJECTED, "head", "参加职工医疗互助保障计划，门诊治疗高血压", {"diagnosis": "原发性高血压", "covered_cost": "2300"}, "门诊费用不属于住院互助保障范围。"),
    ],
}  # fmt: skip


@transaction.atomic
def seed_tiers() -> int:
    """The tiers for all kinds, unless some exist already (an administrator may have changed them)."""
    if ApprovalTier.objects.filter(program_kind="").exists():
        return 0
    for amount_from, amount_to, union_kind in TIERS:
        ApprovalTier.objects.create(amount_from=amount_from, amount_to=amount_to, union_kind=union_kind)
    return len(TIERS)


def program_code(kind: str, year: int) -> str:
    return f"{PROGRAMS[kind][0]}-{year}"


def _sources() -> dict[str, FundingSource]:
    sources = {}
    for key, (kind, name, level, donor, notes) in SOURCES.items():
        sources[key], _created = FundingSource.objects.get_or_create(
            kind=kind, name=name, defaults={"union_level": level, "donor": donor, "notes": notes}
        )
    return sources


@transaction.atomic
def seed_programs() -> int:
    """One program of each kind for the current year, with its budget lines; returns how many programs were new."""
    year = timezone.localdate().year
    sources = _sources()
    unions = {code: Organization.objects.get(code=code) for code in ("330000", "330281", "330282")}
    created = 0
    for kind, (_prefix, owner, source, name, description) in PROGRAMS.items():
        program = Program.objects.filter(code=program_code(kind, year)).first()
        if program is None:
            program = Program(code=program_code(kind, year), name=name, kind=kind, year=year, description=description,
                              funding_source=sources[source], parameters=RULES[kind].clean_parameters(PARAMETERS[kind]),
                              pays_money=RULES[kind].pays_money, open_to_unfiled=kind == K.GOLDEN_AUTUMN)  # fmt: skip
            program.set_organization(unions[owner])
            program.save()
            created += 1
        if kind == K.CRITICAL_ILLNESS:
            for disease, category in DISEASES:
                Disease.objects.get_or_create(program=program, name=disease, defaults={"category": category})
        for code, amount, notes in BUDGETS.get(kind, []):
            if not Budget.objects.filter(program=program, organization=unions[code], year=year).exists():
                budget = Budget(program=program, year=year, amount=Decimal(amount), notes=notes)
                budget.set_organization(unions[code])
                budget.save()
    return created


def _demo_applications(year: int):
    return AidApplication.objects.filter(program__code__in=[program_code(kind, year) for kind in PROGRAMS])


class _Picker:
    """Hands out beneficiaries of a county's demo households in a seeded, repeatable order, each student once."""

    def __init__(self, union: Organization, rng: random.Random):
        households = list(
            Household.objects.filter(org_path__startswith=union.path, is_active=True)
            .select_related("current_file", "organization")
            .prefetch_related("members")
            .order_by("pk")
        )
        rng.shuffle(households)
        status = {h.pk: h.current_file.status if h.current_file else "" for h in households}
        filed = [h for h in households if status[h.pk] == FileStatus.ACTIVE]
        unfiled = [h for h in households if status[h.pk] not in FILED_STATUSES]
        self.heads = {"head": itertools.cycle(filed), "unfiled_head": itertools.cycle(unfiled)}
        stages = HIGHER_EDUCATION + SENIOR_HIGH
        self.students = {
            "student": iter([m for h in filed for m in h.members.all() if m.is_active and m.education_stage in stages]),
            "unfiled_student": iter([m for h in unfiled for m in h.members.all() if m.is_active and m.education_stage in stages]),
        }  # fmt: skip
        self.has_filed, self.has_unfiled, self.size = bool(filed), bool(unfiled), len(households)

    def pick(self, who: str, *, ill: bool = False):
        """The next household's head (or spouse); for illness programs, preferably one recorded as ill."""
        if who in self.students:
            member = next(self.students[who], None)
            return (member.household, member) if member else None
        if not (self.has_filed if who in ("head", "spouse") else self.has_unfiled):
            return None
        households = self.heads.get(who, self.heads["head"])
        first = None
        for _turn in range(self.size):
            household, member = self._member(next(households), who)
            first = first or (household, member)
            if not ill or member.health in (Health.SERIOUS, Health.CHRONIC):
                return household, member
        return first

    @staticmethod
    def _member(household, who: str):
        members = [m for m in household.members.all() if m.is_active]
        wanted = Relation.SPOUSE if who == "spouse" else Relation.HEAD
        member = next((m for m in members if m.relation == wanted), None)
        return household, member or next(m for m in members if m.relation == Relation.HEAD)


def _voucher(rng: random.Random, method: str, today) -> str:
    if method == DisbursementMethod.CASH:
        return f"现金支出凭证 第{rng.randrange(100, 999):04d}号"
    return f"农行代发凭证 {today:%Y%m%d}{rng.randrange(1000, 9999)}"


def _walk(*, program, household, beneficiary, final, reason, figures, comment, caseworker, approver, rng, today):
    """Create an application and take it to `final` through the services, as the people of the county would."""
    measure = None
    if program.kind == K.EMPLOYMENT:
        measure = PlanMeasure.objects.filter(plan__file=household.current_file, measure_type="employment").first()
    application = application_create(program=program, household=household, beneficiary=beneficiary, by=caseworker,
                                     reason=reason, measure=measure, **figures)  # fmt: skip
    if final == S.DRAFT:
        return application
    application = application_submit(application=application, by=caseworker)
    if final in (S.RETURNED, S.REJECTED):
        action = "return" if final == S.RETURNED else "reject"
        return application_decide(application=application, action=action, by=approver, comment=comment)
    if final == S.SUBMITTED:
        return application
    application = application_approve(
        application=application, by=approver, comment="经审核符合条件，同意。"
    ).application
    if final == S.CANCELLED:
        return application_decide(application=application, action="cancel", by=approver, comment=comment)
    if final == S.DISBURSED:
        method = rng.choice(
            [DisbursementMethod.BANK_TRANSFER, DisbursementMethod.BANK_TRANSFER, DisbursementMethod.CASH]
        )
        application = disbursement_record(application=application, by=approver, paid_on=today, method=method,
                                          reference=_voucher(rng, method, today)).application  # fmt: skip
    return application


def _figures(program: Program, raw: dict) -> dict:
    figures = {
        name: Decimal(value) if name.endswith("cost") or name.endswith("costs") else value
        for name, value in raw.items()
    }
    if "disease" in figures:
        figures["disease"] = program.diseases.filter(name=figures["disease"]).first()
    return figures


def _holiday_batch(program: Program, approver: User) -> int:
    """The Spring Festival batch of 余姚, generated and approved by the approver. It waits for its payments: the
    approver who generated a batch may not record them, and the demo has no second approver in 余姚."""
    try:
        with transaction.atomic():
            batch = holiday_batch_generate(program=program, by=approver)
            holiday_batch_approve(batch=batch, by=approver)
    except DomainError as error:
        logger.info("Demo holiday batch skipped: %s", error.message)
        return 0
    return batch.applications.count()


def seed_applications(*, seed: int = 20261124) -> int:
    """Aid applications in every status for the demo households, unless there are some; returns how many were made."""
    today = timezone.localdate()
    if _demo_applications(today.year).exists():
        return 0
    rng = random.Random(seed)
    programs = {
        program.kind: program
        for program in Program.objects.filter(code__in=[program_code(k, today.year) for k in PROGRAMS])
    }
    created = 0
    for code, scenarios in SCENARIOS.items():
        caseworker, approver = (User.objects.get(username=username) for username in PEOPLE[code])
        picker = _Picker(Organization.objects.get(code=code), rng)
        for kind, final, who, reason, raw_figures, comment in scenarios:
            picked = picker.pick(who, ill=kind in ILLNESS_KINDS)
            if picked is None or kind not in programs:
                continue
            household, beneficiary = picked
            try:
                with transaction.atomic():
                    _walk(program=programs[kind], household=household, beneficiary=beneficiary, final=final,
                          reason=reason, figures=_figures(programs[kind], raw_figures), comment=comment,
                          caseworker=caseworker, approver=approver, rng=rng, today=today)  # fmt: skip
                created += 1
            except DomainError as error:
                logger.info("Demo application (%s, %s) skipped: %s", kind, final, error.message)
        if code == "330281" and K.HOLIDAY in programs:
            created += _holiday_batch(programs[K.HOLIDAY], approver)
    return created


def application_counts() -> dict[str, int]:
    """This year's demo applications by status, for the command's summary."""
    counts = Counter(_demo_applications(timezone.localdate().year).values_list("status", flat=True))
    return {status: counts[status] for status in S.values if counts[status]}


def disbursement_count() -> int:
    return Disbursement.objects.filter(application__in=_demo_applications(timezone.localdate().year)).count()
