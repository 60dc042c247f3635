"""Pages of issue 7, items 1–4, rendered in-process through Django's test client (`force_login`), for `make bench`.

1. Household list, first page: plain, `?status=active`, `?q=<a surname>` and `?q=<a full name>`, for a caseworker of
   one street union, an approver of a county and a leader of the province.
2. Household detail: the household with the longest timeline in a county, seen by the county's caseworker; and the
   same page with its timeline made long (200 visits and 200 events added in a transaction rolled back at the end).
3. Approval: the approver's inboxes (aid applications and hardship files); submitting an aid application and
   approving it (the budget row lock included), each POSTed through the view on a fresh application made with the
   services inside a transaction that is rolled back after every run, so the bench data does not change.
4. Dashboard of a county, a city and the province, each seen by a leader of that union: computed (the figures' cache
   off, as the first visit of the day) and, when the cache is on, from the cache (as the visits after it).

One warm-up, then the median of 5 runs (2 with --quick); queries and database time from a statement probe. The users
the pages need are made once (`bench_…`, with `user_set_role`); the generator's `gen_cw_…`/`gen_ap_…` are used when
they exist. Run on its own:

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/pages.py [--quick]
"""

import argparse
import sys
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import error_row, in_process_settings, median_of, rolled_back, setup_django

LIST, DETAIL, APPROVAL, DASHBOARD = "1. Household list", "2. Household detail", "3. Approval", "4. Dashboard"
LONG_TIMELINE = 200  # visits and as many events added to the household for the long-timeline case
FINDINGS = "家庭情况稳定，按计划落实帮扶措施。"
REASON = "家庭主要劳动力下岗，收入低于当地低保标准，申请生活救助。"


@dataclass
class Unions:
    province: object
    city: object
    county: object
    street: object

    @classmethod
    def find(cls, code: str) -> "Unions":
        from accounts.models import Organization

        province = Organization.objects.get(code=code)
        city = Organization.objects.filter(parent=province).order_by("path").first()
        county = Organization.objects.filter(parent=city).order_by("path").first()
        street = Organization.objects.filter(parent=county).order_by("path").first()
        if street is None:
            raise RuntimeError(f"{code} has no city → county → street branch: is the bench data generated?")
        return cls(province, city, county, street)


def bench_user(username: str, union, role):
    """A user of `union` with exactly `role`, made once and reused."""
    from accounts.models import User
    from accounts.services import user_set_role

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, name=username, organization=union)
        user.set_unusable_password()
        user.save()
    elif user.organization_id != union.pk or not user.is_active:
        user.organization, user.is_active = union, True
        user.save(update_fields=["organization", "is_active"])
    if not user.has_role(role) or len(user.roles) != 1:
        user_set_role(user=user, role=role)
    return user


def staff_of(union, role):
    """The generator's caseworker or approver of a county when there is one, else a bench user."""
    from accounts.models import User
    from accounts.roles import Role

    prefix = {Role.CASEWORKER: "gen_cw", Role.APPROVER: "gen_ap"}[role]
    user = User.objects.filter(username=f"{prefix}_{union.code}", organization=union, is_active=True).first()
    if user is not None and user.has_role(role):
        return user
    return bench_user(f"bench_{prefix[4:]}_{union.code}", union, role)


_clients = []  # logged in by client_for; logged out (their sessions deleted) at the end of measure()


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    _clients.append(client)
    return client


def ok(status: int = 200):
    """A check for median_of: the response has the expected status."""

    def check(response):
        if response.status_code != status:
            raise RuntimeError(f"{response.request['PATH_INFO']}?{response.request.get('QUERY_STRING', '')} "
                               f"answered {response.status_code}, not {status}")  # fmt: skip

    return check


def get_timing(client, url: str, runs: int):
    return median_of(lambda: client.get(url), runs, check=ok())


def households_in(union) -> int:
    from cases.models import Household

    return Household.objects.filter(org_path__startswith=union.path, is_active=True).count()


def common_surname(union) -> str:
    """The most common surname among the heads of households of `union`: a search that fills the first page."""
    from django.db.models import Count
    from django.db.models.functions import Left

    from cases.models import Member

    top = (
        Member.objects.filter(household__org_path__startswith=union.path, relation="head", is_active=True)
        .annotate(surname=Left("name", 1))
        .values("surname")
        .annotate(count=Count("id"))
        .order_by("-count", "surname")
        .first()
    )
    if top is None:
        raise RuntimeError(f"no household heads in {union.code}")
    return top["surname"]


def full_name(union) -> str:
    """The name of a head of household of `union` with a three-character name: what a caseworker types to find one
    person (trigrams need three characters; a one-character surname is the worst case, measured too)."""
    from django.db.models.functions import Length

    from cases.models import Member

    heads = Member.objects.filter(household__org_path__startswith=union.path, relation="head", is_active=True)
    head = heads.annotate(length=Length("name")).filter(length=3).order_by("id").first() or heads.order_by("id").first()
    if head is None:
        raise RuntimeError(f"no household heads in {union.code}")
    return head.name


# ---- 1. household list ----------------------------------------------------------------------------------------------


def household_lists(unions: Unions, runs: int) -> list[dict]:
    from accounts.roles import Role

    surname, name = common_surname(unions.street), full_name(unions.street)
    people = [
        (f"caseworker (street {unions.street.code})", unions.street,
         bench_user(f"bench_cw_{unions.street.code}", unions.street, Role.CASEWORKER)),
        (f"approver (county {unions.county.code})", unions.county, staff_of(unions.county, Role.APPROVER)),
        (f"leader (province {unions.province.code})", unions.province,
         bench_user(f"bench_leader_{unions.province.code}", unions.province, Role.LEADER)),
    ]  # fmt: skip
    rows = []
    for label, union, user in people:
        client = client_for(user)
        in_scope = f"{households_in(union):,} households in scope"
        for case, query in (("first page", ""), ("status=active", "?status=active"),
                            (f"q={surname} (a surname)", f"?q={quote(surname)}"),
                            (f"q={name} (a full name)", f"?q={quote(name)}")):  # fmt: skip
            timing = get_timing(client, f"/households/{query}", runs)
            rows.append(timing.as_row(LIST, f"{label}, {case}", in_scope if not query else ""))
    return rows


# ---- 2. household detail ------------------------------------------------------------------------------------------


def longest_timeline(union):
    """The household of `union` with the most timeline entries (file events, visits, aid applications)."""
    from django.db.models import Count, F, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from cases.models import FileEvent, Household, Visit
    from programs.models import AidApplication

    def total(model, link: str):
        subquery = (
            model.objects.filter(**{link: OuterRef("pk")})
            .order_by()
            .values(link)
            .annotate(count=Count("pk"))
            .values("count")
        )
        return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)

    household = (
        Household.objects.filter(org_path__startswith=union.path, is_active=True)
        .annotate(
            events=total(FileEvent, "file__household"),
            visits=total(Visit, "file__household"),
            applications=total(AidApplication, "household"),
        )
        .annotate(entries=F("events") + F("visits") + F("applications"))
        .order_by("-entries", "pk")
        .first()
    )
    if household is None:
        raise RuntimeError(f"no households in {union.code}")
    return household


def make_timeline_long(household, user, count: int) -> None:
    """`count` more visits and file events on the household's current file (in the caller's transaction)."""
    from django.utils import timezone

    from cases.models import FileEvent, Visit

    file = household.current_file
    today = timezone.localdate()
    Visit.objects.bulk_create(
        Visit(file=file, visited_on=today - timedelta(days=n), kind="routine", findings=FINDINGS,
              next_due=today + timedelta(days=90), recorded_by=user)
        for n in range(count)
    )  # fmt: skip
    FileEvent.objects.bulk_create(
        FileEvent(file=file, action="review", from_status=file.status, to_status=file.status, by=user,
                  comment="年度复核：情况属实。")
        for _n in range(count)
    )  # fmt: skip


def household_details(unions: Unions, runs: int) -> list[dict]:
    from accounts.roles import Role

    caseworker = staff_of(unions.county, Role.CASEWORKER)
    client = client_for(caseworker)
    household = longest_timeline(unions.county)
    url = f"/households/{household.pk}/"
    entries = f"{household.entries} timeline entries ({household.events} events, {household.visits} visits, " \
              f"{household.applications} applications)"  # fmt: skip
    rows = [get_timing(client, url, runs).as_row(DETAIL, f"longest timeline in county {unions.county.code}", entries)]
    if household.current_file_id is None:
        rows.append(error_row(DETAIL, "long timeline", f"household {household.pk} has no current file"))
        return rows
    with rolled_back():
        make_timeline_long(household, caseworker, LONG_TIMELINE)
        timing = get_timing(client, url, runs)
    long_case = f"same household + {LONG_TIMELINE} visits + {LONG_TIMELINE} events"
    rows.append(timing.as_row(DETAIL, long_case, "rolled back"))
    return rows


# ---- 3. approval --------------------------------------------------------------------------------------------------


def busiest_county(unions: Unions):
    """The county union with the most aid applications waiting for it (the first county when none wait)."""
    from django.db.models import Count

    from accounts.models import Organization, OrganizationKind
    from programs.choices import ApplicationStatus
    from programs.models import AidApplication

    top = (
        AidApplication.objects.filter(
            status=ApplicationStatus.SUBMITTED,
            approval_organization__kind=OrganizationKind.COUNTY,
            org_path__startswith=unions.province.path,
        )
        .values("approval_organization")
        .annotate(count=Count("id"))
        .order_by("-count", "approval_organization")
        .first()
    )
    return Organization.objects.get(pk=top["approval_organization"]) if top else unions.county


class Applying:
    """A household of a county, a living-aid program it may apply to, and the people who submit and approve.

    Uses the data's own living-aid program and budget line when there is one that works for the household (so the
    budget lock sums a realistic budget); otherwise makes a program, a budget line, the approval tiers and the
    year's local standard in each run's transaction, which is rolled back."""

    def __init__(self, county, province, year: int):
        from accounts.roles import Role

        self.county, self.province, self.year = county, province, year
        self.caseworker = staff_of(county, Role.CASEWORKER)
        self.household = self._household()
        self.head = self.household.members.get(relation="head", is_active=True)
        self.program = self._data_program()
        self.source = "data's program and budget" if self.program is not None else "bench program and budget"
        if self.program is not None and not self._works():
            self.program, self.source = None, f"bench program and budget (the data's refused: {self.refusal})"
        if self.program is None and not self._works():
            raise RuntimeError(f"household {self.household.pk}: living aid cannot be approved: {self.refusal}")
        self.approver = staff_of(self.approval_union, Role.APPROVER)

    def _household(self):
        from django.db.models import Exists, OuterRef

        from cases.choices import FileStatus
        from cases.models import Household, Member
        from programs.choices import ProgramKind
        from programs.models import AidApplication

        kind = ProgramKind.LIVING
        living = AidApplication.objects.filter(household=OuterRef("pk"), year=self.year, program__kind=kind)
        head = Member.objects.filter(household=OuterRef("pk"), relation="head", is_active=True)
        household = (
            Household.objects.filter(
                org_path__startswith=self.county.path, is_active=True, current_file__status=FileStatus.ACTIVE
            )
            .filter(Exists(head), ~Exists(living))
            .select_related("organization", "current_file")
            .order_by("pk")
            .first()
        )
        if household is None:
            raise RuntimeError(f"no household with an active file and no living aid in {self.county.code}")
        return household

    def _data_program(self):
        from programs.choices import ProgramKind
        from programs.models import Budget, Program

        programs = Program.objects.usable_for(self.household.organization).active()
        for program in programs.filter(kind=ProgramKind.LIVING, year=self.year, pays_money=True).order_by("pk"):
            if Budget.objects.line_for(program, self.household.organization) is not None:
                return program
        return None

    def budget_note(self) -> str:
        """How many applications the data's budget line holds (the bench's own line, made per run, holds none)."""
        from programs.models import AidApplication, Budget

        if self.program is None:
            return ""
        line = Budget.objects.line_for(self.program, self.household.organization)
        return f" ({AidApplication.objects.filter(budget=line).count():,} applications on its budget line)"

    def prepare(self, stack):
        """In a transaction rolled back when `stack` closes: the program to apply to, made if the data has none."""
        stack.enter_context(rolled_back())
        return self.program or self._bench_program()

    def _bench_program(self):
        from cases.models import LocalStandard
        from programs.choices import FundingKind, ProgramKind
        from programs.demo import PARAMETERS, seed_tiers
        from programs.models import ApprovalTier, Budget, FundingSource, Program
        from programs.rules import RULES

        if not ApprovalTier.objects.exists():
            seed_tiers()
        if LocalStandard.objects.for_union(self.household.organization, self.year) is None:
            LocalStandard.objects.create(organization=self.province, year=self.year, dibao_line=Decimal("1330"),
                                         minimum_wage=Decimal("2490"))  # fmt: skip
        source, _created = FundingSource.objects.get_or_create(kind=FundingKind.UNION_FUND, name="基准测试帮扶资金")
        kind = ProgramKind.LIVING
        program = Program(code=f"BENCH-LIVING-{self.year}", name="基准测试生活救助", kind=kind, year=self.year,
                          funding_source=source, pays_money=True,
                          parameters=RULES[kind].clean_parameters(PARAMETERS[kind]))  # fmt: skip
        program.set_organization(self.province)
        program.save()
        budget = Budget(program=program, year=self.year, amount=Decimal("100000000"))
        budget.set_organization(self.province)
        budget.save()
        return program

    def draft(self, program):
        from programs.services.applications import application_create

        return application_create(
            program=program, household=self.household, beneficiary=self.head, by=self.caseworker, reason=REASON
        )

    def submitted(self, program):
        from programs.services.applications import application_submit

        return application_submit(application=self.draft(program), by=self.caseworker)

    def _works(self) -> bool:
        """A trial, rolled back: the services can make, submit and approve the application."""
        import contextlib

        from accounts.errors import DomainError
        from accounts.roles import Role
        from programs.services.money import application_approve

        try:
            with contextlib.ExitStack() as stack:
                program = self.prepare(stack)
                application = self.submitted(program)
                self.approval_union = application.approval_organization
                approver = staff_of(self.approval_union, Role.APPROVER)
                application_approve(application=application, by=approver)
        except DomainError as error:
            self.refusal = error.message
            return False
        return True


def approval(unions: Unions, year: int, runs: int) -> list[dict]:
    from accounts.roles import Role
    from cases.models import HardshipFile
    from cases.views.work import INBOX_STATUSES
    from programs.choices import ApplicationStatus
    from programs.models import AidApplication

    county = busiest_county(unions)
    approver = client_for(staff_of(county, Role.APPROVER))
    waiting = AidApplication.objects.filter(status=ApplicationStatus.SUBMITTED, approval_organization=county).count()
    files = HardshipFile.objects.filter(org_path__startswith=county.path, status__in=INBOX_STATUSES).count()
    rows = [
        get_timing(approver, "/aid/inbox/", runs).as_row(
            APPROVAL, f"aid inbox, approver of county {county.code}", f"{waiting:,} applications waiting"
        ),
        get_timing(approver, "/inbox/", runs).as_row(
            APPROVAL, f"file inbox, approver of county {county.code}", f"{files:,} files waiting"
        ),
    ]
    applying = Applying(county, unions.province, year)
    caseworker, approver = client_for(applying.caseworker), client_for(applying.approver)

    def submit_setup(stack):
        return applying.draft(applying.prepare(stack))

    def submit(application):
        return application, caseworker.post(f"/aid/{application.pk}/do/submit/", {"comment": ""})

    def submit_check(result):
        application, response = result
        application.refresh_from_db()
        if response.status_code != 302 or application.status != ApplicationStatus.SUBMITTED:
            raise RuntimeError(f"submit answered {response.status_code}; the application is {application.status}")

    timing = median_of(submit, runs, setup=submit_setup, check=submit_check)
    rows.append(timing.as_row(APPROVAL, "submit an aid application (POST)", f"{applying.source}, rolled back"))

    def approve_setup(stack):
        return applying.submitted(applying.prepare(stack))

    def approve(application):
        data = {"amount": str(application.requested_amount), "comment": ""}
        return application, approver.post(f"/aid/{application.pk}/do/approve/", data)

    def approve_check(result):
        application, response = result
        application.refresh_from_db()
        if response.status_code != 302 or application.status != ApplicationStatus.APPROVED or not application.budget_id:
            raise RuntimeError(f"approve answered {response.status_code}; the application is {application.status}")

    timing = median_of(approve, runs, setup=approve_setup, check=approve_check)
    rows.append(
        timing.as_row(
            APPROVAL, f"approve with the budget lock (POST), approver of {applying.approval_union.code}",
            f"{applying.source}{applying.budget_note()}, rolled back",
        )
    )  # fmt: skip
    return rows


# ---- 4. dashboard -------------------------------------------------------------------------------------------------


def dashboards(unions: Unions, year: int, runs: int) -> list[dict]:
    """Each page computed (the figures' cache off) and as most visits get it (from the cache, when it is on)."""
    from django.conf import settings
    from django.test.utils import override_settings

    from accounts.roles import Role

    rows = []
    for label, union in (("county", unions.county), ("city", unions.city), ("province", unions.province)):
        client = client_for(bench_user(f"bench_leader_{union.code}", union, Role.LEADER))
        url = f"/dashboard/?year={year}"
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            timing = get_timing(client, url, runs)
        slowest = f"slowest statement {timing.slowest[0] * 1000:,.0f} ms"
        rows.append(timing.as_row(DASHBOARD, f"leader of the {label} {union.code}, computed", slowest))
        if getattr(settings, "DASHBOARD_CACHE_SECONDS", 0):
            timing = get_timing(client, url, runs)  # the warm-up fills the cache
            seconds = settings.DASHBOARD_CACHE_SECONDS
            rows.append(timing.as_row(DASHBOARD, f"leader of the {label} {union.code}, from the cache",
                                      f"figures cached {seconds} s"))  # fmt: skip
    return rows


# ---- the contract -------------------------------------------------------------------------------------------------

PARTS = [
    (1, LIST, "household lists", lambda unions, options, runs: household_lists(unions, runs)),
    (2, DETAIL, "household detail", lambda unions, options, runs: household_details(unions, runs)),
    (3, APPROVAL, "inbox, submit, approve", lambda unions, options, runs: approval(unions, options.year, runs)),
    (4, DASHBOARD, "dashboards", lambda unions, options, runs: dashboards(unions, options.year, runs)),
]


def measure(options) -> list[dict]:
    """Items 1–4; `options.sections` (a set of numbers), when given, picks some of them."""
    import traceback

    setup_django()
    in_process_settings()
    runs = 2 if options.quick else 5
    wanted = getattr(options, "sections", None) or {number for number, *_rest in PARTS}
    unions = Unions.find(options.org)
    rows = []
    try:
        for number, section, what, part in PARTS:
            if number not in wanted:
                continue
            try:
                rows += part(unions, options, runs)
            except Exception as error:
                traceback.print_exc()
                rows.append(error_row(section, what, f"{type(error).__name__}: {error}"))
    finally:
        while _clients:
            _clients.pop().logout()
    return rows


def main() -> None:
    from datetime import date

    from benchmarks.common import format_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--org", default="G33")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    options.households, options.database_url = 0, ""
    print(format_table(measure(options)))


if __name__ == "__main__":
    main()
