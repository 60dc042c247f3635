"""Realistic households at provincial scale for `generate_data`: three years of files, incomes, visits and plans.

A province of cities, counties and streets with one caseworker and one approver per county; households of about three
members with valid, unique ID numbers; an income assessment when the file opens and one review a year; files opened
over the last three years (today.year - 2 .. today.year) in realistic statuses, with the events of their way there;
for every year a file was active, a plan with its measures and two home visits.

Speed (issue 7: 100,000 households in minutes): rows are plain tuples, not model instances. `Table` writes them with
COPY on PostgreSQL (executemany elsewhere: SQLite in the tests), with ids taken from the tables' sequences up front so
that related rows point at each other without a round trip, and one history row ("+", as bulk_create_with_history
writes) for each row of a model that keeps history. Foreign keys are checked by the database (Django makes them
DEFERRABLE INITIALLY DEFERRED) when each batch is done. Columns a generator does not name get the field's default.
"""

import contextlib
import csv
import io
import json
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import services as account_services
from accounts.models import Organization, OrganizationKind, User
from accounts.roles import Role
from cases import realism
from cases.choices import CancelReason, Cause, ExitKind, FileStatus, Relation, WorkStatus
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
from cases.workdays import add_months, nth_working_day

BATCH = 2000  # households per batch: rows of one batch are built in memory, then written table by table
YEARS = 3  # files open over the last three years, this one included
CENT = Decimal("0.01")
STATUS_WEIGHTS = [(FileStatus.ACTIVE, 70), (FileStatus.APPLIED, 5), (FileStatus.NOTICE, 5), (FileStatus.EXITED, 12),
                  (FileStatus.RELIEVED, 4), (FileStatus.CANCELLED, 4)]  # fmt: skip
CLOSED = (FileStatus.EXITED, FileStatus.RELIEVED, FileStatus.CANCELLED)
NULL = "\\N"  # how COPY ... (FORMAT csv, NULL '\N') reads a NULL; an unquoted empty field is an empty string

BANKS = ["中国农业银行", "中国工商银行", "中国建设银行", "中国银行", "中国邮政储蓄银行", "农村商业银行"]
GOALS = {
    Cause.SERIOUS_ILLNESS: "落实医疗救助，减轻医疗负担，稳定家庭基本生活。",
    Cause.LAID_OFF: "帮助户主实现再就业，稳定家庭收入。",
    Cause.ABLE_BUT_NOT_EMPLOYED: "通过技能培训和岗位推荐实现就业，增加家庭收入。",
    Cause.SCHOOLING: "保障子女完成学业，减轻就学负担。",
    Cause.DISABILITY: "落实残疾人补贴和生活救助，保障基本生活。",
}
DEFAULT_GOALS = "稳定家庭收入，保障子女就学，落实医疗救助。"
MEASURES = {
    "employment": ["推荐参加技能培训并介绍就业岗位", "对接社区公益性岗位", "推荐到合作企业面试"],
    "medical": ["协助申请大病救助，办理医保报销", "联系定点医院减免部分医疗费用"],
    "school": ["申请金秋助学，协调学校减免学杂费"],
    "living": ["按困难类别申请生活救助，节日走访慰问"],
    "social": ["对接爱心企业结对帮扶"],
    "safety_net": ["协助向民政部门申请最低生活保障"],
    "legal": ["提供法律援助，协助追讨拖欠工资", "协助申请工伤认定"],
    "other": ["协助办理残疾人两项补贴"],
}
OUTCOMES = {"employment": "已推荐就业，户主在岗稳定。", "medical": "已办理大病救助和医保报销。",
            "school": "金秋助学已发放，学费已减免。", "living": "生活救助已按时发放。", "social": "已与爱心企业结对。",
            "safety_net": "已纳入民政最低生活保障。", "legal": "欠薪已追回。", "other": "补贴已落实。"}  # fmt: skip
FINDINGS = ["家庭情况稳定，户主已找到保洁工作。", "配偶病情反复，医疗支出较大。", "子女在校表现良好。",
            "家庭收入有所增加，生活基本稳定。", "户主仍在求职，已推荐两个岗位。", "住房条件较差，已协调社区维修。",
            "核实家庭收入，与申报情况一致。"]  # fmt: skip
CANCEL_COMMENTS = {CancelReason.DEATH: "户主因病去世，家庭其他成员已纳入民政保障。", CancelReason.RETIREMENT: "户主已办理退休，按月领取养老金。",
                   CancelReason.MOVED: "全家迁往外省。", CancelReason.INELIGIBLE: "家庭收入核实后高于标准。",
                   CancelReason.FALSE_INFORMATION: "核查发现隐瞒家庭收入。"}  # fmt: skip


# ---- writing rows fast ----------------------------------------------------------------------------------------------


class Ids:
    """Primary keys taken before the rows are written, so that the rows of a batch can refer to each other.

    On PostgreSQL they come from the table's sequence, a block at a time (the unused rest of a block is a gap, as
    sequences have anyway); elsewhere (SQLite, one writer) they follow the table's largest id."""

    BLOCK = 20000

    def __init__(self):
        self.postgresql = connection.vendor == "postgresql"
        self.pools: dict[type, list[int]] = {}
        self.high: dict[type, int] = {}  # the largest id handed out or held, per model

    def take(self, model, count: int) -> list[int]:
        pool = self.pools.get(model)
        if pool is None or len(pool) < count:
            pool = self.pools[model] = self._more(model, max(count, self.BLOCK), pool or [])
        taken = pool[-count:][::-1] if count else []
        del pool[len(pool) - count :]
        return taken

    def one(self, model) -> int:
        pool = self.pools.get(model)
        if not pool:
            pool = self.pools[model] = self._more(model, self.BLOCK, [])
        return pool.pop()

    def _more(self, model, count: int, pool: list[int]) -> list[int]:
        """`count` more ids after those of `pool`, all in descending order so that pop() hands out the smallest."""
        table, column = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.postgresql:
                # A block of the sequence in one step. Writers of the table wait for the end of the generator's
                # transaction (the lock), so nobody else takes numbers from the sequence meanwhile.
                if model not in self.high:
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s))"
                               " + %s - 1)", [table, column, table, column, count])  # fmt: skip
                last = cursor.fetchone()[0]
                fresh = list(range(last, last - count, -1))
            else:
                if model not in self.high:
                    cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {table}")  # noqa: S608
                    self.high[model] = cursor.fetchone()[0]
                start = self.high[model] + 1
                fresh = list(range(start + count - 1, start - 1, -1))
        self.high[model] = fresh[0]
        return fresh + pool


HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


class Table:
    """Rows of one model as tuples in the order of `columns`; the model's other fields get their defaults.

    `at` and `by` name the columns that give a history row its date and user."""

    def __init__(self, model, columns, report, *, at: str | None = None, by: str | None = None, history: bool = True):
        self.model, self.label = model, model._meta.label
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in columns if name not in fields]
        if unknown:
            raise ImproperlyConfigured(f"{self.label} has no {unknown}")
        now = timezone.now()
        rest = [f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key]
        self.names = (*columns, *(f.attname for f in rest))
        self.tail = tuple(_default(f, now, self.label) for f in rest)
        self.fields = [fields[name] for name in self.names]
        manager = getattr(model, "history", None) if history else None
        self.history = manager.model if manager is not None else None
        self.at = self.names.index(at) if at else None
        self.by = self.names.index(by) if by else None
        if self.history is not None:
            if "id" not in columns:
                raise ImproperlyConfigured(f"{self.label}: history rows need the ids: give the id column")
            self.pk = self.names.index("id")
        self.now, self.rows, self.count, self.history_count = now, [], 0, 0
        self.seconds = self.history_seconds = 0.0
        report.tables.append(self)

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.monotonic()
        rows = [row + self.tail for row in self.rows] if self.tail else self.rows
        self.rows = []
        _write(self.model, self.fields, rows)
        self.count += len(rows)
        self.seconds += time.monotonic() - started
        if self.history is not None:
            started = time.monotonic()
            self.history_count += self._copy_to_history(rows[0][self.pk], rows[-1][self.pk])
            self.history_seconds += time.monotonic() - started

    def _copy_to_history(self, first: int, last: int) -> int:
        """The history rows of the rows just written, copied by the database from the table itself.

        The ids of one flush are the range first..last: handed out in ascending order, the tables locked meanwhile."""
        quote = connection.ops.quote_name
        columns = [quote(f.column) for f in self.fields]
        at = columns[self.at] if self.at is not None else "%s"
        by = columns[self.by] if self.by is not None else "NULL"
        history = self.history._meta.db_table
        sql = (
            f"INSERT INTO {quote(history)} ({', '.join(columns)}, {', '.join(map(quote, HISTORY_COLUMNS))}) "  # noqa: S608
            f"SELECT {', '.join(columns)}, {at}, NULL, '+', {by} FROM {quote(self.model._meta.db_table)} "
            f"WHERE {quote(self.model._meta.pk.column)} BETWEEN %s AND %s"
        )
        now = [models.DateTimeField().get_db_prep_save(self.now, connection)] if self.at is None else []
        with connection.cursor() as cursor:
            cursor.execute(sql, [*now, first, last])
            return cursor.rowcount


def _default(field, now, label):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    raise ImproperlyConfigured(f"{label}.{field.attname} has no default: give it a column")


def _write(model, fields, rows):
    """Insert `rows`: COPY on PostgreSQL, executemany elsewhere."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            if json_at:
                rows = [_json(row, json_at) for row in rows]
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(
                [NULL if value is None else value for value in row] for row in rows
            )
            buffer.seek(0)
            sql = f"COPY {quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, buffer)
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(buffer.getvalue())
            return
        placeholders = ", ".join(["%s"] * len(fields))
        values = [[f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)] for row in rows]
        cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({placeholders})", values)  # noqa: S608


def _json(row, positions):
    row = list(row)
    for i in positions:
        row[i] = json.dumps(row[i], ensure_ascii=False)
    return tuple(row)


def check_foreign_keys(report: "Report") -> None:
    """Check the deferred foreign keys of what was written so far, so that the database does not queue them all."""
    if connection.vendor == "postgresql":
        with (
            report.phase("database: deferred foreign key checks (within the phases above)"),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def fast_commit() -> None:
    """Inside the generator's transaction: its commit need not wait for the disk (rebuildable bench data)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@dataclass
class Report:
    """Seconds per phase and rows per table, for the command's summary."""

    phases: dict[str, float] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)

    @contextlib.contextmanager
    def phase(self, name: str):
        started = time.monotonic()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.monotonic() - started


@dataclass
class Generated:
    province: Organization
    household_ids: list[int]
    report: Report


# ---- dates ---------------------------------------------------------------------------------------------------------


def day_between(rng: random.Random, first: date, last: date) -> date:
    span = (last - first).days
    return first if span <= 0 else first + timedelta(days=int(rng.random() * (span + 1)))


class Clock:
    """Aware moments on working hours of a day, never after now."""

    def __init__(self, rng: random.Random):
        self.rng, self.now, self.today = rng, timezone.now(), timezone.localdate()
        # Today's offset of the current time zone, fixed: quick to make and to print (and right for Asia/Shanghai).
        self.tz = dt_timezone(timezone.localtime(self.now).utcoffset())

    def at(self, day: date) -> datetime:
        minutes, seconds = divmod(int(self.rng.random() * 36000), 60)  # 8:00 to 18:00
        hours, minutes = divmod(minutes, 60)
        moment = datetime(day.year, day.month, day.day, 8 + hours, minutes, seconds, tzinfo=self.tz)
        return (
            moment
            if day < self.today or moment < self.now
            else self.now - timedelta(minutes=self.rng.randrange(1, 600))
        )


def active_years(activated: date | None, closed: date | None, today: date) -> list[int]:
    """The years in which the file was active (filed) on at least one day."""
    if activated is None:
        return []
    return list(range(activated.year, (closed or today).year + 1))


def year_window(year: int, activated: date, closed: date | None, today: date) -> tuple[date, date]:
    return max(activated, date(year, 1, 1)), min(closed or today, today, date(year, 12, 31))


# ---- the union tree ---------------------------------------------------------------------------------------------------


def dibao_lines(province: Organization):
    """The local minimum living line of a union and year, as LocalStandard.objects.for_union finds it (cached)."""
    paths = {*province.ancestor_paths()}
    standards = {
        (path, year): line
        for path, year, line in LocalStandard.objects.filter(
            models.Q(organization__path__in=paths) | models.Q(organization__path__startswith=province.path)
        ).values_list("organization__path", "year", "dibao_line")
    }
    cache = {}

    def line(union: Organization, year: int) -> Decimal | None:
        key = (union.id, year)
        if key not in cache:
            found = (standards.get((path, year)) for path in reversed(union.ancestor_paths()))
            cache[key] = next((value for value in found if value is not None), None)
        return cache[key]

    return line


def build_tree(code: str, cities: int, counties_per_city: int, streets: int) -> tuple[Organization, list[tuple]]:
    """A province with cities, counties and streets; one caseworker and one approver per county; standards for the
    years the data covers."""
    province = Organization.objects.filter(code=code).first()
    if province is None:
        province = account_services.organization_create(
            name=f"生成省总工会{code}", code=code, kind=OrganizationKind.PROVINCIAL
        )
    year = timezone.localdate().year
    known = sorted(STANDARDS)
    for wanted in sorted({*STANDARDS, *range(year - YEARS + 1, year + 1)}):
        line, wage = STANDARDS[min(known, key=lambda k: abs(k - wanted))]
        LocalStandard.objects.get_or_create(
            organization=province, year=wanted, defaults={"dibao_line": Decimal(line), "minimum_wage": Decimal(wage)}
        )
    counties = []
    for c in range(cities):
        city = _child(province, f"{code}C{c:02d}", f"第{c + 1}市总工会", OrganizationKind.CITY)
        for k in range(counties_per_city):
            county = _child(city, f"{city.code}K{k:02d}", f"{city.name[:-3]}第{k + 1}县总工会", OrganizationKind.COUNTY)
            street_list = [
                _child(
                    county, f"{county.code}S{s:02d}", f"{county.name[:-4]}第{s + 1}街道工会", OrganizationKind.TOWNSHIP
                )
                for s in range(streets)
            ]
            counties.append((county, street_list))
    staff = _staff({f"gen_{prefix}_{county.code}": (county, role) for county, _streets in counties
                    for prefix, role in (("cw", Role.CASEWORKER), ("ap", Role.APPROVER))})  # fmt: skip
    return province, [(county, streets, staff[f"gen_cw_{county.code}"], staff[f"gen_ap_{county.code}"])
                      for county, streets in counties]  # fmt: skip


def _staff(wanted: dict[str, tuple[Organization, Role]]) -> dict[str, User]:
    """The generated users, the missing ones made in bulk: no password, a Chinese name, the role's group (what
    user_set_role gives a new caseworker or approver)."""
    users = {user.username: user for user in User.objects.filter(username__in=wanted)}
    missing = []
    for username, (county, _role) in wanted.items():
        if username not in users:
            users[username] = User(username=username, name=_staff_name(username), organization=county)
            users[username].set_unusable_password()
            missing.append(users[username])
    if missing:
        bulk_create_with_history(missing, User)
        created = {user.username: user for user in User.objects.filter(username__in=[u.username for u in missing])}
        groups = dict(Group.objects.filter(name__in=[role.value for role in Role]).values_list("name", "pk"))
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=created[user.username].pk, group_id=groups[wanted[user.username][1].value])
            for user in missing
        )
        users.update(created)
    return users


def _staff_name(username: str) -> str:
    rng = random.Random(username)
    return realism.person_name(rng, rng.random() < 0.5)


def _child(parent, code, name, kind):
    existing = Organization.objects.filter(code=code).first()
    return existing or account_services.organization_create(name=name, code=code, kind=kind, parent=parent)


def staff_user(username: str, organization: Organization, role: str) -> User:
    """The generated user of that name, made (with a Chinese name, no password) when missing."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, name=_staff_name(username), organization=organization)
        user.set_unusable_password()
        user.save()
        account_services.user_set_role(user=user, role=role)
    return user


# ---- households -------------------------------------------------------------------------------------------------------


@transaction.atomic
def generate(
    *, households: int, seed: int, code: str = "G33", cities: int = 10, counties: int = 10, streets: int = 2,
    report: Report | None = None,
) -> Generated:  # fmt: skip
    """`households` new households under the province `code` (made when missing); returns their ids."""
    report = report or Report()
    fast_commit()
    with report.phase("cases: union tree and staff"):
        province, staff = build_tree(code, cities, counties, streets)
    with report.phase("cases: households, members, incomes, files, plans, visits"):
        maker = _Households(random.Random(seed), staff, dibao_lines(province), report)
        ids = []
        while len(ids) < households:
            ids += maker.batch(min(BATCH, households - len(ids)))
    return Generated(province, ids, report)


class _Households:
    def __init__(self, rng, staff, line, report):
        self.rng, self.staff, self.line, self.report = rng, staff, line, report
        self.clock = Clock(rng)
        self.today = self.clock.today
        self.first_day = date(self.today.year - YEARS + 1, 1, 8)
        self.used = set(Member.objects.filter(is_active=True).values_list("id_number", flat=True))
        self.statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
        self.sequence = {}
        self.ids = Ids()
        self.households = Table(Household, ["id", "organization_id", "org_path", "code", "address", "region_code",
                                            "hukou_type", "household_type", "housing_type", "housing_area", "bank_name",
                                            "bank_branch", "bank_account", "can_help_itself", "current_file_id",
                                            "created_at", "updated_at"], report, at="updated_at")  # fmt: skip
        self.members = Table(Member, ["id", "household_id", "name", "id_number", "sex", "birth_date", "relation",
                                      "phone", "political_status", "marital_status", "work_status", "employer",
                                      "is_union_member", "health", "disability_type", "disability_grade",
                                      "education_stage", "school", "monthly_income", "created_at", "updated_at"],
                             report, at="updated_at")  # fmt: skip
        self.incomes = Table(IncomeAssessment, ["id", "household_id", "assessed_on", "wages", "transfer_income",
                                                "medical_costs", "schooling_costs", "household_size",
                                                "per_capita_monthly", "dibao_line", "implied_category", "recorded_by_id",
                                                "created_at"], report, at="created_at", by="recorded_by_id")  # fmt: skip
        self.files = Table(HardshipFile, ["id", "organization_id", "org_path", "household_id", "number", "level",
                                          "category", "category_reason", "primary_cause", "secondary_causes", "origin",
                                          "opened_year", "status", "contact_person_id", "applied_by_id",
                                          "monitoring_flag", "authorization_signed", "notice_start", "notice_end",
                                          "exit_kind", "exit_proposed_by_id", "activated_on", "closed_on",
                                          "follow_up_until", "cancel_reason", "next_visit_due", "created_at",
                                          "updated_at"], report, at="updated_at")  # fmt: skip
        self.events = Table(FileEvent, ["file_id", "action", "from_status", "to_status", "by_id", "at", "comment"],
                            report)  # fmt: skip
        self.plans = Table(AssistancePlan, ["id", "file_id", "year", "goals", "created_at", "updated_at"], report,
                           at="updated_at")  # fmt: skip
        self.measures = Table(PlanMeasure, ["id", "plan_id", "measure_type", "description", "responsible_id",
                                            "due_date", "status", "outcome", "created_at", "updated_at"], report,
                              at="updated_at", by="responsible_id")  # fmt: skip
        self.visits = Table(Visit, ["id", "file_id", "visited_on", "kind", "visitors", "findings", "next_due",
                                    "recorded_by_id", "created_at"], report, at="created_at", by="recorded_by_id")  # fmt: skip
        self.tables = [self.households, self.members, self.incomes, self.files, self.events, self.plans,
                       self.measures, self.visits]  # fmt: skip

    def batch(self, size: int) -> list[int]:
        household_ids = list(self.ids.take(Household, size))
        file_ids = self.ids.take(HardshipFile, size)
        for household_id, file_id in zip(household_ids, file_ids, strict=True):
            self.household(household_id, file_id)
        for table in self.tables:
            table.flush()
        check_foreign_keys(self.report)
        return household_ids

    def household(self, household_id: int, file_id: int) -> None:
        rng, today, at = self.rng, self.today, self.clock.at
        county, streets, caseworker, approver = rng.choice(self.staff)
        union = rng.choice(streets)
        status = rng.choice(self.statuses)
        applied, activated, closed = self._dates(status)
        people = self._people(f"{330100 + county.id % 9000}")
        profile = _Profile(people)

        # Incomes: at the opening, then one review a year while the file is active.
        size = len(people)
        category = "deep" if rng.random() < 0.38 else "relative"
        factor = rng.uniform(0.45, 0.97) if category == "deep" else rng.uniform(1.02, 1.9)
        assessed = applied - timedelta(days=rng.randrange(0, 6))
        implied = self._income(household_id, assessed, union, size, factor, profile, caseworker)
        category = implied if implied in ("deep", "relative") else "relative"
        # Before an exit, six months and more above the line; some active files are on their way there.
        rising = None
        if status == FileStatus.EXITED:
            rising = (closed - timedelta(days=rng.randrange(190, 230)), rng.uniform(1.15, 1.7))
        elif status == FileStatus.ACTIVE and rng.random() < 0.08 and today - activated > timedelta(days=240):
            rising = (today - timedelta(days=rng.randrange(30, 200)), rng.uniform(1.05, 1.5))
        years = active_years(activated, closed, today)
        for year in years[1:]:
            first, last = year_window(year, activated + timedelta(days=30), closed, today)
            last = min(last, rising[0] - timedelta(days=1)) if rising else last
            if first <= last:
                factor = min(1.95, max(0.4, factor * rng.uniform(0.92, 1.1)))
                self._income(household_id, day_between(rng, first, last), union, size, factor, profile, caseworker)
        if rising:
            self._income(household_id, rising[0], union, size, rising[1], profile, caseworker)

        # The file and the events that brought it where it is.
        reason = ""
        if rng.random() < 0.05:
            category, reason = (
                "accident",
                rng.choice(["突发重大疾病，当年医疗支出超过家庭收入", "遭遇交通事故，主要劳动力丧失劳动能力"]),
            )
        cause = profile.cause(rng, category)
        secondary = sorted(rng.sample([c for c in Cause.values if c != cause], rng.choice([0, 1, 1, 2, 3])))
        cancel_reason = rng.choice(list(CANCEL_COMMENTS)) if status == FileStatus.CANCELLED else ""
        events, notice = self._events(file_id, status, applied, activated, closed, caseworker, approver, reason,
                                      cancel_reason)  # fmt: skip
        exit_kind = {FileStatus.EXITED: ExitKind.EXITED, FileStatus.RELIEVED: ExitKind.RELIEVED}.get(status, "")
        prefix = f"{union.code}-{applied.year}-"
        if prefix not in self.sequence:
            self.sequence[prefix] = HardshipFile.objects.filter(number__startswith=prefix).count()
        self.sequence[prefix] += 1
        last_visit = None
        for year in years:
            last_visit = self._year_of_care(file_id, year, activated, closed, status, profile, category, cause,
                                            caseworker)  # fmt: skip
        next_due = None
        if status == FileStatus.ACTIVE:
            overdue = rng.random() < 0.06
            next_due = today - timedelta(days=rng.randrange(1, 45)) if overdue else last_visit + timedelta(days=182)
        follow_up = add_months(closed, 12) if status in (FileStatus.EXITED, FileStatus.RELIEVED) else None
        flag = "unstable" if status == FileStatus.EXITED and rng.random() < 0.1 else ""
        origin = "existing" if applied.year == self.first_day.year and rng.random() < 0.4 else "new"
        level = rng.choice(["national", "national", "provincial", "county"])
        registered, created, updated = at(assessed), at(applied), events[-1][5]
        self.files.add((file_id, union.id, union.path, household_id, f"{prefix}{self.sequence[prefix]:04d}", level,
                        category, reason, cause, secondary, origin, applied.year, status, caseworker.id, caseworker.id,
                        flag, status != FileStatus.APPLIED, notice[0], notice[1], exit_kind,
                        caseworker.id if exit_kind else None, activated, closed, follow_up, cancel_reason, next_due,
                        created, updated))  # fmt: skip
        for event in events:
            self.events.add(event)
        bank = rng.choice(BANKS)
        self.households.add((household_id, union.id, union.path, new_household_code(),
                             realism.address(rng, union.name[:-2]), people[0]["id_number"][:6],
                             rng.choice(["non_agricultural", "non_agricultural", "agricultural", "converted"]),
                             rng.choice(["urban_worker", "urban_worker", "migrant_worker"]),
                             rng.choice(["rented", "public_rental", "self_built", "employer_rental", "commercial"]),
                             Decimal(rng.randrange(18, 90)), bank, f"{county.name[:-3]}支行",
                             f"62{rng.randrange(10**16, 10**17)}", rng.random() < 0.3, file_id, registered, updated))  # fmt: skip
        for person, member_id in zip(people, self.ids.take(Member, len(people)), strict=True):
            self.members.add((member_id, household_id, person["name"], person["id_number"], person["sex"],
                              person["birth_date"], person["relation"], person.get("phone", ""),
                              person.get("political_status", "masses"), person.get("marital_status", ""),
                              person["work_status"], person.get("employer", ""), person.get("is_union_member", False),
                              person.get("health", "healthy"), person.get("disability_type", ""),
                              person.get("disability_grade"), person.get("education_stage", ""),
                              person.get("school", ""), person.get("monthly_income", Decimal(0)), registered, registered))  # fmt: skip

    def _dates(self, status):
        """Applied, activated and closed days that fit the status, over the last three years."""
        rng, today = self.rng, self.today
        if status in (FileStatus.APPLIED, FileStatus.NOTICE):
            return today - timedelta(days=rng.randrange(8 if status == FileStatus.APPLIED else 30, 80)), None, None
        if status == FileStatus.ACTIVE:
            # Older files are more common: the stock of earlier years plus the new ones.
            span = (today - timedelta(days=45) - self.first_day).days
            applied = self.first_day + timedelta(days=int(span * rng.random() ** 1.4))
            return applied, self._activated(applied), None
        applied = day_between(rng, self.first_day, today - timedelta(days=330))
        activated = self._activated(applied)
        earliest = activated + timedelta(days=60 if status == FileStatus.CANCELLED else 240)
        return applied, activated, day_between(rng, earliest, today - timedelta(days=3))

    def _activated(self, applied: date) -> date:
        notice_start = applied + timedelta(days=9)
        return nth_working_day(notice_start, 5) + timedelta(days=3)

    def _events(self, file_id, status, applied, activated, closed, caseworker, approver, reason, cancel_reason):
        """The file's way to its status, as the file services record it; returns the events and the notice days."""
        at = self.clock.at
        steps = [("apply", "", "applied", caseworker, applied, reason)]
        notice = (None, None)
        if status != FileStatus.APPLIED:
            notice_start = applied + timedelta(days=9)
            notice = (notice_start, nth_working_day(notice_start, 5))
            steps += [("first_review", "applied", "first_reviewed", caseworker, applied + timedelta(days=3), ""),
                      ("home_check", "first_reviewed", "home_checked", caseworker, applied + timedelta(days=7), ""),
                      ("start_notice", "home_checked", "notice", caseworker, notice_start, "")]  # fmt: skip
        if activated:
            steps.append(("approve", "notice", "active", approver, activated, ""))
        if status in (FileStatus.EXITED, FileStatus.RELIEVED):
            proposal = "propose_exit" if status == FileStatus.EXITED else "propose_relief"
            why = (
                "连续6个月人均收入高于低保标准"
                if status == FileStatus.EXITED
                else "重病患者，政府兜底保障后生活达到低保水平"
            )
            exit_notice = closed - timedelta(days=10)
            notice = (exit_notice, nth_working_day(exit_notice, 5))
            steps += [(proposal, "active", "exit_proposed", caseworker, closed - timedelta(days=24), why),
                      ("start_exit_notice", "exit_proposed", "exit_notice", caseworker, exit_notice, ""),
                      ("approve_exit", "exit_notice", status, approver, closed, "")]  # fmt: skip
        elif status == FileStatus.CANCELLED:
            steps.append(("cancel", "active", "cancelled", approver, closed, CANCEL_COMMENTS[cancel_reason]))
        return [(file_id, action, before, after, by.id, at(day), comment)
                for action, before, after, by, day, comment in steps], notice  # fmt: skip

    def _year_of_care(self, file_id, year, activated, closed, status, profile, category, cause, caseworker) -> date:
        """A year of an active file: the plan with its measures and two visits; returns the last visit's day."""
        rng, today, at = self.rng, self.today, self.clock.at
        first, last = year_window(year, activated, closed, today)
        plan_id = self.ids.one(AssistancePlan)
        planned = at(first)
        self.plans.add((plan_id, file_id, year, GOALS.get(cause, DEFAULT_GOALS), planned, planned))
        current = year == today.year and closed is None
        kinds = profile.measures(rng, category)
        for kind, measure_id in zip(kinds, self.ids.take(PlanMeasure, len(kinds)), strict=True):
            due = day_between(rng, first + timedelta(days=30), date(year, 12, 31))
            if current:
                state = rng.choice(["planned", "in_progress", "in_progress", "done"])
            else:
                state = rng.choices(["done", "dropped", "in_progress"], cum_weights=[85, 93, 100])[0]
            done = state == "done"
            self.measures.add((measure_id, plan_id, kind, rng.choice(MEASURES[kind]), caseworker.id, due, state,
                               OUTCOMES[kind] if done else "", planned,
                               at(max(first, min(due, last))) if done else planned))  # fmt: skip
        middle = first + (last - first) / 2
        visited = [day_between(rng, first, middle), day_between(rng, middle + timedelta(days=1), last)]
        if visited[1] > last:  # a window of one day
            visited[1] = last
        final = status in (FileStatus.EXITED, FileStatus.RELIEVED) and year == closed.year
        for number, (day, visit_id) in enumerate(zip(visited, self.ids.take(Visit, 2), strict=True)):
            kind = "exit_check" if final and number == 1 else "routine"
            self.visits.add((visit_id, file_id, day, kind, f"{caseworker.name}、社区网格员", rng.choice(FINDINGS),
                             day + timedelta(days=182), caseworker.id, at(day)))  # fmt: skip
        return visited[1]

    def _income(self, household_id, day, union, size, factor, profile, caseworker) -> str:
        """An income assessment whose per-capita income is about `factor` times the line; returns its category."""
        rng = self.rng
        line = self.line(union, day.year) or Decimal("1330")
        net = int(line * Decimal(str(round(factor, 3)))) * size * 12
        medical = rng.randrange(3000, 40000) if profile.ill and rng.random() < 0.6 else 0
        schooling = rng.randrange(2000, 9000) if profile.students else 0
        transfer = rng.randrange(0, 4000)
        wages = net + medical + schooling - transfer
        if wages < 0:
            transfer, wages = transfer - wages, 0
        per_capita = (Decimal(wages + transfer - medical - schooling) / size / 12).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        implied = "deep" if per_capita < line else "relative" if per_capita < line * 2 else "above"
        self.incomes.add((self.ids.one(IncomeAssessment), household_id, day, Decimal(wages), Decimal(transfer),
                          Decimal(medical), Decimal(schooling), size, per_capita, line, implied, caseworker.id,
                          self.clock.at(day)))  # fmt: skip
        return implied

    def _people(self, region):
        """Head, usually a spouse, children and sometimes a parent: three people a household on average."""
        rng = self.rng
        male = rng.random() < 0.6
        surname = rng.choice(realism.SURNAMES)
        head_age = rng.randrange(30, 59)
        married = rng.random() < 0.8
        head = self._person(region, surname, male, head_age, Relation.HEAD,
                            work_status=rng.choice([WorkStatus.EMPLOYED, WorkStatus.LAID_OFF, WorkStatus.FLEXIBLE,
                                                    WorkStatus.UNEMPLOYED, WorkStatus.SICK_LEAVE]),
                            phone=realism.mobile(rng), employer=rng.choice(realism.EMPLOYERS),
                            is_union_member=rng.random() < 0.9, health=_health(rng),
                            marital_status="married" if married else rng.choice(["divorced", "widowed", "single"]),
                            political_status="cpc" if rng.random() < 0.08 else "masses",
                            monthly_income=Decimal(rng.randrange(0, 3200)))  # fmt: skip
        people = [head]
        if married:
            people.append(self._person(region, None, not male, max(22, head_age + rng.randrange(-5, 6)),
                                       Relation.SPOUSE, phone=realism.mobile(rng), marital_status="married",
                                       work_status=rng.choice([WorkStatus.UNEMPLOYED, WorkStatus.FLEXIBLE,
                                                               WorkStatus.EMPLOYED]),
                                       is_union_member=rng.random() < 0.35, health=_health(rng),
                                       monthly_income=Decimal(rng.randrange(0, 2500))))  # fmt: skip
        children = rng.choices([0, 1, 2, 3], [22, 45, 28, 5])[0]
        for _ in range(children):
            age = rng.randrange(3, max(4, min(25, head_age - 19)))
            stage = _stage_for_age(rng, age)
            student = bool(stage)
            people.append(self._person(region, surname, rng.random() < 0.5, age, Relation.CHILD,
                                       work_status=WorkStatus.NOT_WORKING_AGE if student or age < 16 else rng.choice(
                                           [WorkStatus.FLEXIBLE, WorkStatus.UNEMPLOYED, WorkStatus.EMPLOYED]),
                                       education_stage=stage, school=realism.SCHOOLS.get(stage, ""),
                                       marital_status="single" if age >= 18 else "",
                                       health="healthy" if rng.random() < 0.93 else "chronic"))  # fmt: skip
        if rng.random() < 0.1:
            people.append(self._person(region, surname, rng.random() < 0.5, rng.randrange(62, 85), Relation.PARENT,
                                       work_status=WorkStatus.RETIRED, health=rng.choice(["chronic", "serious", "healthy"]),
                                       marital_status=rng.choice(["married", "widowed"])))  # fmt: skip
        for person in people:
            if person.get("health") == "disabled":
                person["disability_type"] = rng.choice(["physical", "vision", "hearing", "intellectual"])
                person["disability_grade"] = rng.choice([1, 2, 3, 4])
        return people

    def _person(self, region, surname, male, age, relation, **details):
        rng = self.rng
        born = add_months(self.today, -12 * age) - timedelta(days=rng.randrange(1, 365))  # `age` years old today
        while True:
            number = realism.id_number(rng, region, born, male)
            if number not in self.used:
                self.used.add(number)
                break
            born += timedelta(days=1)
        return {"name": realism.person_name(rng, male, surname), "relation": relation, "id_number": number,
                "sex": "male" if male else "female", "birth_date": born, **details}  # fmt: skip


def _health(rng) -> str:
    return rng.choices(["healthy", "chronic", "serious", "disabled"], cum_weights=[55, 80, 92, 100])[0]


def _stage_for_age(rng, age: int) -> str:
    """The school a child of this age attends (on the last 1 September), or "" when not at school."""
    if age < 6:
        return "preschool" if age >= 3 and rng.random() < 0.8 else ""
    if age <= 11:
        return "primary"
    if age <= 14:
        return "junior"
    if age <= 17:
        return rng.choices(["senior", "vocational", ""], [65, 30, 5])[0]
    if age <= 21:
        return rng.choices(["undergraduate", "college", ""], [35, 30, 35])[0]
    return "graduate" if rng.random() < 0.15 else ""


class _Profile:
    """What a household's plan measures and primary cause follow from."""

    def __init__(self, people):
        self.ill = any(p.get("health") in ("serious", "chronic") for p in people)
        self.seriously_ill = any(p.get("health") == "serious" for p in people)
        self.disabled = any(p.get("health") == "disabled" for p in people)
        self.jobless = any(p["work_status"] in (WorkStatus.LAID_OFF, WorkStatus.UNEMPLOYED) for p in people[:2])
        self.students = any(p.get("education_stage") in ("senior", "vocational", "college", "undergraduate", "graduate")
                            for p in people)  # fmt: skip

    def cause(self, rng, category) -> int:
        if category == "accident":
            return rng.choice([Cause.SERIOUS_ILLNESS, Cause.ACCIDENT])
        options = [Cause.SERIOUS_ILLNESS] * self.seriously_ill * 3 + [Cause.LAID_OFF] * self.jobless * 2
        options += [Cause.DISABILITY] * self.disabled * 2 + [Cause.SCHOOLING] * self.students
        return rng.choice(options or [Cause.ABLE_BUT_NOT_EMPLOYED, Cause.NO_WORK_ABILITY, Cause.OTHER])

    def measures(self, rng, category) -> list[str]:
        kinds = ["living" if category == "deep" else "social"]
        kinds += ["employment"] * self.jobless + ["medical"] * self.ill + ["school"] * self.students
        if rng.random() < 0.06:
            kinds.append("legal")
        if category == "deep" and rng.random() < 0.2:
            kinds.append("safety_net")
        if self.disabled:
            kinds.append("other")
        if len(kinds) < 2:
            kinds.append(rng.choice(["employment", "social", "medical"]) if kinds[0] != "social" else "employment")
        return kinds[:3] if len(kinds) <= 3 else [kinds[0], *rng.sample(kinds[1:], 2)]
