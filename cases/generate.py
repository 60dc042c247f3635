"""Realistic households at scale with bulk inserts (history rows included): `generate_data`."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import services as account_services
from accounts.models import Organization, OrganizationKind, User
from accounts.roles import Role
from cases import realism
from cases.choices import Cause, FileStatus, Relation, WorkStatus
from cases.demo import STANDARDS
from cases.models import (
    AssistancePlan,
    FileEvent,
    HardshipFile,
    Household,
    IncomeAssessment,
    LocalStandard,
    Member,
    PlanMeasure,
    Visit,
)
from cases.models.households import new_household_code

BATCH = 2000
STATUS_WEIGHTS = [(FileStatus.ACTIVE, 70), (FileStatus.APPLIED, 5), (FileStatus.NOTICE, 5), (FileStatus.EXITED, 12),
                  (FileStatus.RELIEVED, 4), (FileStatus.CANCELLED, 4)]  # fmt: skip


def build_tree(code: str, cities: int, counties: int, streets: int) -> tuple[Organization, list[tuple]]:
    """A province with cities, counties and streets; one caseworker and one approver per county."""
    province = Organization.objects.filter(code=code).first()
    if province is None:
        province = account_services.organization_create(
            name=f"生成省总工会{code}", code=code, kind=OrganizationKind.PROVINCIAL
        )
    for year, (line, wage) in STANDARDS.items():
        LocalStandard.objects.get_or_create(
            organization=province, year=year, defaults={"dibao_line": Decimal(line), "minimum_wage": Decimal(wage)}
        )
    county_staff = []
    for c in range(cities):
        city = _child(province, f"{code}C{c:02d}", f"第{c + 1}市总工会", OrganizationKind.CITY)
        for k in range(counties):
            county = _child(city, f"{city.code}K{k:02d}", f"{city.name[:-3]}第{k + 1}县总工会", OrganizationKind.COUNTY)
            street_list = [
                _child(
                    county, f"{county.code}S{s:02d}", f"{county.name[:-4]}第{s + 1}街道工会", OrganizationKind.TOWNSHIP
                )
                for s in range(streets)
            ]
            county_staff.append((county, street_list, _user(f"gen_cw_{county.code}", county, Role.CASEWORKER),
                                 _user(f"gen_ap_{county.code}", county, Role.APPROVER)))  # fmt: skip
    return province, county_staff


def _child(parent, code, name, kind):
    existing = Organization.objects.filter(code=code).first()
    return existing or account_services.organization_create(name=name, code=code, kind=kind, parent=parent)


def _user(username, organization, role):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, name=username, organization=organization)
        user.set_unusable_password()
        user.save()
        account_services.user_set_role(user=user, role=role)
    return user


def _id_number(rng, used, region, born, male):
    while True:
        number = realism.id_number(rng, region, born, male)
        if number not in used:
            used.add(number)
            return number
        born += timedelta(days=1)


@transaction.atomic
def generate(
    *, households: int, seed: int, code: str = "G33", cities: int = 10, counties: int = 10, streets: int = 2
) -> int:
    rng, today = random.Random(seed), timezone.localdate()
    _province, staff = build_tree(code, cities, counties, streets)
    used = set(Member.objects.filter(is_active=True).values_list("id_number", flat=True))
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    sequence = {}
    done = 0
    while done < households:
        size = min(BATCH, households - done)
        _batch(rng, today, staff, used, statuses, sequence, size)
        done += size
    return done


def _batch(rng, today, staff, used, statuses, sequence, size):
    rows = []
    for _ in range(size):
        county, streets, caseworker, approver = rng.choice(staff)
        union = rng.choice(streets)
        household = Household(code=new_household_code(), address=realism.address(rng, union.name[:-2]),
                              hukou_type=rng.choice(["non_agricultural", "agricultural"]),
                              household_type=rng.choice(["urban_worker", "urban_worker", "migrant_worker"]),
                              housing_type=rng.choice(["rented", "public_rental", "self_built"]))  # fmt: skip
        household.set_organization(union)
        rows.append((household, county, caseworker, approver))
    created = bulk_create_with_history([row[0] for row in rows], Household, batch_size=BATCH)
    members, assessments, files = [], [], []
    for household, (_h, county, caseworker, approver) in zip(created, rows, strict=True):
        people = _people(rng, today, used, f"{330100 + county.pk % 9000}")
        members += [Member(household=household, **person) for person in people]
        income = Decimal(rng.randrange(300, 1500)) * len(people) * 12
        assessment = IncomeAssessment(household=household, assessed_on=today - timedelta(days=rng.randrange(30, 900)),
                                      wages=income, household_size=len(people), recorded_by=caseworker)  # fmt: skip
        assessment.compute(dibao_line=Decimal("1330"), relative_multiple=Decimal(2))
        assessments.append(assessment)
        status = rng.choice(statuses)
        year = assessment.assessed_on.year
        prefix = f"{household.organization.code}-{year}-"
        if prefix not in sequence:
            sequence[prefix] = HardshipFile.objects.filter(number__startswith=prefix).count()
        sequence[prefix] += 1
        activated = assessment.assessed_on + timedelta(days=14)
        file = HardshipFile(household=household, number=f"{prefix}{sequence[prefix]:04d}",
                            level=rng.choice(["national", "provincial", "county"]),
                            category="deep" if assessment.implied_category == "deep" else "relative",
                            primary_cause=rng.choice(Cause.values), secondary_causes=[Cause.OTHER], opened_year=year,
                            status=status, contact_person=caseworker, applied_by=caseworker,
                            activated_on=activated if status not in ("applied", "notice") else None,
                            closed_on=today - timedelta(days=30) if status in ("exited", "relieved", "cancelled") else None,
                            next_visit_due=activated + timedelta(days=rng.randrange(60, 300)))  # fmt: skip
        file.set_organization(household.organization)
        files.append((file, approver))
    for member in members:
        member.sex = "male" if int(member.id_number[16]) % 2 else "female"
        member.birth_date = date(
            int(member.id_number[6:10]), int(member.id_number[10:12]), int(member.id_number[12:14])
        )
    bulk_create_with_history(members, Member, batch_size=BATCH)
    bulk_create_with_history(assessments, IncomeAssessment, batch_size=BATCH)
    file_rows = bulk_create_with_history([file for file, _a in files], HardshipFile, batch_size=BATCH)
    Household.objects.filter(pk__in=[h.pk for h in created]).update(
        current_file=Subquery(HardshipFile.objects.filter(household=OuterRef("pk")).order_by("-id").values("id")[:1])
    )
    _history_of_files(rng, today, file_rows, [approver for _f, approver in files])


def _people(rng, today, used, region):
    male = rng.random() < 0.6
    born = realism.birth_date(rng, 30, 58, today)
    people = [{"name": realism.person_name(rng, male), "relation": Relation.HEAD, "phone": realism.mobile(rng),
               "id_number": _id_number(rng, used, region, born, male),
               "work_status": rng.choice([WorkStatus.EMPLOYED, WorkStatus.LAID_OFF, WorkStatus.FLEXIBLE])}]  # fmt: skip
    for relation in rng.choice([[], [Relation.SPOUSE], [Relation.SPOUSE, Relation.CHILD],
                                [Relation.SPOUSE, Relation.CHILD, Relation.CHILD]]):  # fmt: skip
        child = relation == Relation.CHILD
        person_male = rng.random() < 0.5
        born = realism.birth_date(rng, 6, 20, today) if child else realism.birth_date(rng, 30, 58, today)
        people.append({"name": realism.person_name(rng, person_male), "relation": relation,
                       "id_number": _id_number(rng, used, region, born, person_male),
                       "work_status": WorkStatus.NOT_WORKING_AGE if child else WorkStatus.UNEMPLOYED,
                       "education_stage": rng.choice(["primary", "junior", "senior"]) if child else ""})  # fmt: skip
    return people


def _history_of_files(rng, today, files, approvers):
    events, plans, visits = [], [], []
    for file, approver in zip(files, approvers, strict=True):
        events.append(FileEvent(file=file, action="apply", from_status="", to_status="applied", by=file.applied_by))
        if file.activated_on:
            events.append(FileEvent(file=file, action="approve", from_status="notice", to_status="active", by=approver))
        if file.status == FileStatus.ACTIVE:
            plans.append(AssistancePlan(file=file, year=today.year, goals="稳定就业，保障子女就学，落实医疗救助。"))
            for months_ago in (3, 9):
                visits.append(Visit(file=file, visited_on=today - timedelta(days=30 * months_ago), kind="routine",
                                    findings="家庭情况稳定。", next_due=today + timedelta(days=rng.randrange(-30, 150)),
                                    recorded_by=file.contact_person))  # fmt: skip
    FileEvent.objects.bulk_create(events, batch_size=BATCH)
    plans = bulk_create_with_history(plans, AssistancePlan, batch_size=BATCH)
    measures = [PlanMeasure(plan=plan, measure_type=kind, description=text, responsible=plan.file.contact_person,
                            due_date=today + timedelta(days=rng.randrange(-30, 200)))
                for plan in plans for kind, text in (("employment", "推荐就业岗位"), ("medical", "协助申请大病救助"))]  # fmt: skip
    bulk_create_with_history(measures, PlanMeasure, batch_size=BATCH)
    bulk_create_with_history(visits, Visit, batch_size=BATCH)
