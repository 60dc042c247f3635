"""~60 demo households across the two demo counties, in every status, made through the real services."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.errors import DomainError
from accounts.models import Organization, User
from cases import realism
from cases.choices import Cause, FileStatus, Relation, WorkStatus
from cases.models import Household, LocalStandard
from cases.services.files import file_apply, file_transition
from cases.services.households import Finances, household_create
from cases.services.plans import measure_add, plan_save
from cases.services.visits import visit_record
from cases.workdays import nth_working_day

# 宁波 figures by year: minimum living line and minimum wage (yuan per month).
STANDARDS = {2024: ("1210", "2280"), 2025: ("1270", "2490"), 2026: ("1330", "2490"), 2027: ("1390", "2590")}
# How the demo files end up: weights of each final status.
STATUS_MIX = [("active", 26), ("applied", 4), ("first_reviewed", 3), ("notice", 5), ("exit_proposed", 2),
              ("exited", 6), ("relieved", 3), ("rejected", 2), ("cancelled", 2), ("unfiled", 3)]  # fmt: skip
COUNTS = {"330281": 40, "330282": 20}


def seed_standards(province: Organization) -> None:
    for year, (line, wage) in STANDARDS.items():
        LocalStandard.objects.get_or_create(
            organization=province, year=year, defaults={"dibao_line": Decimal(line), "minimum_wage": Decimal(wage)}
        )


def _members(rng, region, today):
    male = rng.random() < 0.6
    surname = rng.choice(realism.SURNAMES)
    born = realism.birth_date(rng, 35, 58, today)
    head = {"name": realism.person_name(rng, male, surname), "relation": Relation.HEAD,
            "id_number": realism.id_number(rng, region, born, male), "phone": realism.mobile(rng),
            "work_status": rng.choice([WorkStatus.EMPLOYED, WorkStatus.LAID_OFF, WorkStatus.FLEXIBLE, WorkStatus.SICK_LEAVE]),
            "employer": rng.choice(realism.EMPLOYERS), "is_union_member": True,
            "health": rng.choice(["healthy", "chronic", "serious", "healthy"]),
            "monthly_income": Decimal(rng.randrange(0, 3200))}  # fmt: skip
    members = [head]
    if rng.random() < 0.8:
        born = realism.birth_date(rng, 33, 58, today)
        members.append({"name": realism.person_name(rng, not male), "relation": Relation.SPOUSE,
                        "id_number": realism.id_number(rng, region, born, not male),
                        "work_status": rng.choice([WorkStatus.UNEMPLOYED, WorkStatus.FLEXIBLE, WorkStatus.EMPLOYED]),
                        "health": rng.choice(["healthy", "chronic", "disabled"]), "disability_type": "physical",
                        "disability_grade": 3})  # fmt: skip
    for _ in range(rng.choice([0, 1, 1, 2])):
        child_male = rng.random() < 0.5
        born = realism.birth_date(rng, 7, 22, today)
        stage = rng.choice(["primary", "junior", "senior", "vocational", "undergraduate"])
        members.append({"name": realism.person_name(rng, child_male, surname), "relation": Relation.CHILD,
                        "id_number": realism.id_number(rng, region, born, child_male),
                        "work_status": WorkStatus.NOT_WORKING_AGE, "education_stage": stage,
                        "school": realism.SCHOOLS[stage]})  # fmt: skip
    for member in members:
        if member.get("health") != "disabled":
            member.pop("disability_type", None)
            member.pop("disability_grade", None)
    return members


def _walk(file, final, caseworker, approver, rng, today):
    """Take a file from applied to `final` through the workflow, with dates in the past."""
    start = today - timedelta(days=rng.randrange(120, 1050))
    order = ["applied", "first_reviewed", "home_checked", "notice", "active"]
    target = "active" if final in ("exit_proposed", "exited", "relieved", "cancelled") else final
    if final == "rejected":
        return file_transition(file=file, action="reject", by=approver, comment="家庭收入核实后高于标准")
    notice_end = nth_working_day(start, 5)
    steps = [("first_review", {"today": start - timedelta(days=3)}),
             ("home_check", {"authorization_signed": True, "today": start - timedelta(days=1)}),
             ("start_notice", {"notice_start": start, "notice_end": notice_end, "today": start}),
             ("approve", {"today": max(start + timedelta(days=10), notice_end + timedelta(days=1))})]  # fmt: skip
    for action, extra in steps[: order.index(target)]:
        file = file_transition(file=file, action=action, by=approver if action == "approve" else caseworker, **extra)
    if final in ("exit_proposed", "exited", "relieved"):
        kind = "propose_relief" if final == "relieved" else "propose_exit"
        file = file_transition(file=file, action=kind, by=caseworker, comment="连续6个月人均收入高于低保标准")
        if final != "exit_proposed":
            notice = today - timedelta(days=30)
            exit_end = nth_working_day(notice, 5)
            file = file_transition(file=file, action="start_exit_notice", by=caseworker, notice_start=notice,
                                   notice_end=exit_end, today=notice)  # fmt: skip
            approved_on = max(today - timedelta(days=20), exit_end + timedelta(days=1))
            file = file_transition(file=file, action="approve_exit", by=approver, today=approved_on)
    elif final == "cancelled":
        file = file_transition(file=file, action="cancel", by=approver, comment="全家迁往外省", cancel_reason="moved")
    return file


def _plan_and_visits(file, caseworker, rng, today):
    plan = plan_save(file=file, year=today.year, goals="稳定家庭收入，保障子女完成学业，落实医疗救助。", by=caseworker)
    measure_add(plan=plan, by=caseworker, measure_type="employment", description="推荐参加技能培训并介绍就业岗位",
                responsible=caseworker, due_date=today + timedelta(days=rng.randrange(-20, 90)))  # fmt: skip
    measure_add(plan=plan, by=caseworker, measure_type="medical", description="申请大病救助，协助办理医保报销",
                responsible=caseworker, due_date=today + timedelta(days=rng.randrange(-20, 120)))  # fmt: skip
    visited = max(file.activated_on or today, today - timedelta(days=rng.randrange(30, 240)))
    visit_record(file=file, by=caseworker, visited_on=visited, kind="routine", visitors="社区网格员",
                 findings=rng.choice(["家中情况稳定，户主已找到保洁工作。", "配偶病情反复，医疗支出较大。",
                                      "子女在校表现良好，申请金秋助学。"]))  # fmt: skip


@transaction.atomic
def seed_households(*, seed: int = 20261123) -> int:
    """Create the demo households unless they exist; returns how many were created."""
    unions = {code: Organization.objects.get(code=code) for code in COUNTS}
    if Household.objects.filter(org_path__startswith=unions["330281"].path).exists():
        return 0
    rng, today = random.Random(seed), timezone.localdate()
    people = {"330281": (User.objects.get(username="demo_caseworker"), User.objects.get(username="demo_approver")),
              "330282": (User.objects.get(username="demo_caseworker_b"), User.objects.get(username="demo_approver_b"))}  # fmt: skip
    statuses = [status for status, weight in STATUS_MIX for _ in range(weight)]
    created = 0
    for code, count in COUNTS.items():
        caseworker, approver = people[code]
        branches = list(Organization.objects.filter(path__startswith=unions[code].path))
        for _ in range(count):
            union = rng.choice(branches)
            town = union.name.removesuffix("工会") if union.kind == "township" else unions[code].name[:3]
            household = household_create(
                organization=union, by=caseworker, members=_members(rng, code, today),
                fields={"address": realism.address(rng, town), "hukou_type": rng.choice(["non_agricultural", "agricultural"]),
                        "household_type": rng.choice(["urban_worker", "urban_worker", "migrant_worker"]),
                        "housing_type": rng.choice(["rented", "public_rental", "self_built", "commercial"]),
                        "bank_name": "中国农业银行", "bank_account": f"6228{rng.randrange(10**14, 10**15)}"},
            )  # fmt: skip
            created += 1
            final = rng.choice(statuses)
            if final == "unfiled":
                continue
            size = len(household.members.all())
            details = {"household": household, "by": caseworker, "level": rng.choice(["national", "provincial", "county"]),
                       "finances": Finances(wages=Decimal(rng.randrange(300, 1300)) * size * 12,
                                            medical_costs=Decimal(rng.randrange(0, 40000))),
                       "primary_cause": rng.choice([Cause.SERIOUS_ILLNESS, Cause.LAID_OFF, Cause.DISABILITY, Cause.SCHOOLING]),
                       "secondary_causes": [Cause.OTHER], "contact_person": caseworker}  # fmt: skip
            try:
                with transaction.atomic():
                    file = file_apply(**details)
            except DomainError:
                file = file_apply(**details, category="accident", category_reason="突发重病，医疗支出超过家庭收入八成")
            file = _walk(file, final, caseworker, approver, rng, today)
            if file.status in (FileStatus.ACTIVE, FileStatus.EXIT_PROPOSED):
                _plan_and_visits(file, caseworker, rng, today)
    return created
