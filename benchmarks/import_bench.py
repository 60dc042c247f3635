"""Issue 7, item 7: the Excel import of a household roster of 10,000 households (500 with --quick), for `make bench`.

The roster is built here in the importer's own layout (sheets 家庭 and 家庭成员, the template's headers, the Chinese
list values a clerk picks, valid and unique ID numbers from a region the generator does not use), with a fixed seed.
Then two fresh child processes, so that each peak RSS is the worker's:

- validate: `import_check` on an ImportJob holding the file, as the background job runs it;
- commit: `import_write`, as the background job runs it: the file is checked again, then every household is written
  through `household_create` in one transaction.

Each child works in a new county union made for the purpose, with a caseworker of its own, inside a transaction that
is rolled back at the end: the bench database keeps its size, and the next run does not collide with this one. The
COMMIT itself is therefore not in the figures. Run on its own:

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/import_bench.py [--households 10000]
"""

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Probe, format_table, peak_rss_mb, rolled_back, row, rss_mb, run_child, setup_django

SECTION = "7. Excel import"
REGION = "340102"  # ID numbers of a region the generator does not use (it uses 3301xx–3390xx)
TOWN = "基准县城关镇"


def _zh(choices) -> dict[str, str]:
    """value → the Chinese label a clerk picks from the template's list."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def build_roster(path: Path, households: int, seed: int = 7) -> int:
    """Write a roster of `households` households to `path` (.xlsx); returns the number of member rows."""
    from django.utils import timezone
    from openpyxl import Workbook

    from cases import realism
    from cases.choices import EducationStage, Health, HouseholdType, HousingType, HukouType, Relation, WorkStatus
    from reports.importing import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET, template_headers

    rng, today = random.Random(seed), timezone.localdate()
    hukou, kind, housing = _zh(HukouType), _zh(HouseholdType), _zh(HousingType)
    relation, work, health, stage = _zh(Relation), _zh(WorkStatus), _zh(Health), _zh(EducationStage)
    used: set[str] = set()

    def id_number(born: date, male: bool) -> str:
        while True:
            number = realism.id_number(rng, REGION, born, male)
            if number not in used:
                used.add(number)
                return number
            born += timedelta(days=1)

    workbook = Workbook(write_only=True)
    household_sheet = workbook.create_sheet(HOUSEHOLD_SHEET)
    member_sheet = workbook.create_sheet(MEMBER_SHEET)
    household_headers = [column.field for column in HOUSEHOLD_COLUMNS]
    member_headers = [column.field for column in MEMBER_COLUMNS]
    household_sheet.append(template_headers(HOUSEHOLD_COLUMNS))
    member_sheet.append(template_headers(MEMBER_COLUMNS))
    members = 0
    for key in range(1, households + 1):
        values = {
            "key": key, "address": realism.address(rng, TOWN),
            "hukou_type": hukou[rng.choice(["non_agricultural", "agricultural"])],
            "household_type": kind[rng.choice(["urban_worker", "urban_worker", "migrant_worker"])],
            "housing_type": housing[rng.choice(["rented", "public_rental", "self_built", "commercial"])],
            "housing_area": rng.randrange(200, 1200) / 10, "bank_name": "中国农业银行",
            "bank_account": f"62284800{rng.randrange(10**10, 10**11)}", "can_help_itself": rng.choice(["是", "否"]),
        }  # fmt: skip
        household_sheet.append([values.get(name) for name in household_headers])
        male = rng.random() < 0.6
        surname = rng.choice(realism.SURNAMES)
        people = [
            {"name": realism.person_name(rng, male, surname), "relation": relation["head"],
             "id_number": id_number(realism.birth_date(rng, 30, 58, today), male),
             "work_status": work[rng.choice(["laid_off", "flexible", "employed", "unemployed"])],
             "phone": realism.mobile(rng), "health": health[rng.choice(["healthy", "chronic", "serious"])],
             "monthly_income": rng.randrange(0, 3000), "employer": rng.choice(realism.EMPLOYERS)},
        ]  # fmt: skip
        for other in rng.choice([[], ["spouse"], ["spouse", "child"], ["spouse", "child", "child"]]):
            other_male = (not male) if other == "spouse" else rng.random() < 0.5
            child = other == "child"
            born = realism.birth_date(rng, 6, 20, today) if child else realism.birth_date(rng, 30, 58, today)
            people.append(
                {"name": realism.person_name(rng, other_male, surname if child else None), "relation": relation[other],
                 "id_number": id_number(born, other_male),
                 "work_status": work["not_working_age" if child else rng.choice(["unemployed", "flexible"])],
                 "education_stage": stage[rng.choice(["primary", "junior", "senior"])] if child else None}
            )  # fmt: skip
        for person in people:
            member_sheet.append([key if name == "key" else person.get(name) for name in member_headers])
        members += len(people)
    workbook.save(path)
    return members


# ---- the child: one step, measured, rolled back -------------------------------------------------------------------


def child(step: str, path: str, households: int, org: str) -> dict:
    setup_django()
    from django.conf import settings
    from django.core.files import File

    from accounts.models import Organization, OrganizationKind, User
    from accounts.roles import Role
    from accounts.services import organization_create, user_set_role
    from cases.models import Household
    from reports.import_tasks import import_check, import_write
    from reports.models import ImportJob, ImportStatus

    settings.DEBUG = False
    rss_at_start = rss_mb()
    with tempfile.TemporaryDirectory(prefix="bangfu-import-bench-") as media, rolled_back():
        settings.PRIVATE_MEDIA_ROOT = Path(media)
        province = Organization.objects.get(code=org)
        city = Organization.objects.filter(parent=province).order_by("path").first() or province
        county = organization_create(name="基准导入县总工会", code=f"{org}-IMPORT-BENCH", kind=OrganizationKind.COUNTY,
                                     parent=city)  # fmt: skip
        user = User(username=f"bench_import_{county.code}", name="导入基准", organization=county)
        user.set_unusable_password()
        user.save()
        user_set_role(user=user, role=Role.CASEWORKER)
        job = ImportJob(uploaded_by=user, original_name="花名册.xlsx")
        job.set_organization(county)
        with open(path, "rb") as handle:
            job.file.save("花名册.xlsx", File(handle), save=False)
        job.save()
        probe = Probe()
        with probe.installed():
            started = time.perf_counter()
            if step == "validate":
                job = import_check(job=job)
            else:
                job = import_write(job=job, by=user)
            seconds = time.perf_counter() - started
        expected = ImportStatus.VALID if step == "validate" else ImportStatus.COMMITTED
        if job.status != expected:
            problems = "; ".join(f"{e['sheet']} row {e['row']} {e['column']}: {e['message']}" for e in job.errors[:3])
            raise RuntimeError(f"{step}: the job is {job.status}, not {expected}: {problems or job.error}")
        written = Household.objects.filter(organization=county).count()
        if job.households != households or (step == "commit" and written != households):
            raise RuntimeError(f"{step}: {job.households} households read, {written} written, {households} expected")
    return {
        "seconds": seconds,
        "queries": probe.queries,
        "db_seconds": probe.db_seconds,
        "households": job.households,
        "members": job.rows,
        "peak_rss": peak_rss_mb(),
        "rss_at_start": rss_at_start,
    }


# ---- the contract -------------------------------------------------------------------------------------------------


def measure(options) -> list[dict]:
    setup_django()
    households = 500 if options.quick else 10000
    rows = []
    with tempfile.TemporaryDirectory(prefix="bangfu-import-bench-") as folder:
        path = Path(folder) / "roster.xlsx"
        started = time.perf_counter()
        members = build_roster(path, households)
        built = time.perf_counter() - started
        size = path.stat().st_size / 2**20
        steps = (("validate", "validate (import_check)"), ("commit", "commit (import_write: check again + write)"))
        for step, case in steps:
            data = run_child(__file__, "--child", step, path, households, options.org)
            per_second = data["households"] / data["seconds"], data["members"] / data["seconds"]
            rate = "{:,.0f} households/s, {:,.0f} member rows/s".format(*per_second)
            note = (
                f"{rate}; db {data['db_seconds']:,.1f} s; peak RSS {data['peak_rss']:.0f} MB "
                f"({data['rss_at_start']:.0f} MB after start-up); 1 run, rolled back"
            )
            if step == "validate":
                note += f"; file {members:,} member rows, {size:.1f} MB, built in {built:.1f} s"
            rows.append(
                row(SECTION, f"{households:,} households: {case}", data["seconds"] * 1000, data["queries"], note)
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=4, metavar=("STEP", "PATH", "HOUSEHOLDS", "ORG"), help=argparse.SUPPRESS)
    parser.add_argument("--org", default="G33")
    parser.add_argument("--quick", action="store_true", help="500 households instead of 10,000")
    options = parser.parse_args()
    if options.child:
        step, path, households, org = options.child
        print(json.dumps(child(step, path, int(households), org)))
        return
    print(format_table(measure(options)))


if __name__ == "__main__":
    main()
