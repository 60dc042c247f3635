"""The leader dashboard's numbers: a union's subtree for a year, and the same numbers for each union just below it.

Every count is read as a handful of indexed aggregates grouped by `org_path` and added up per union in Python, so
the page's query count never grows with households or unions. The year's file numbers count files exactly as
AnnualSummary does; the numbers of files now count households by their current file. The household list filters
the same way, so each number equals the count of the list it links to.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization
from assessment.models import AnnualSummary
from assessment.summaries import COUNTED_FILES, file_count_filters
from cases.choices import FILED_STATUSES, Category, Cause, FileStatus
from cases.models import FileEvent, HardshipFile, Household
from programs.choices import GRANTED_STATUSES, ApplicationStatus, ProgramKind
from programs.models import AidApplication, Budget, Disbursement

ZERO = Decimal("0.00")
LEFT = [FileStatus.EXITED, FileStatus.RELIEVED]
# Files waiting for a decision: public notice before filing, and the exit steps.
FILES_WAITING = [FileStatus.NOTICE, FileStatus.EXIT_PROPOSED, FileStatus.EXIT_NOTICE]
CURRENT_FILE_COUNTS = ["active", "overdue", "notice", "exit_proposed", "exit_notice"]
YEAR_FILE_COUNTS = ["files_at_start", "new", "exited", "relieved", "found_and_out"]


@dataclass
class Figures:
    """The headline numbers of one union's subtree."""

    union: Organization
    files_at_start: int = 0
    active: int = 0
    new: int = 0
    exited: int = 0
    relieved: int = 0
    found_and_out: int = 0
    overdue: int = 0
    notice: int = 0
    exit_proposed: int = 0
    exit_notice: int = 0
    applications_waiting: int = 0
    money_total: Decimal = ZERO
    payments: int = 0
    households_paid: int = 0
    links: dict = field(default_factory=dict)

    @property
    def left(self) -> int:
        return self.exited + self.relieved

    @property
    def exit_rate(self):
        """As AnnualSummary.exit_rate: exited and relieved over the files at start of year plus the new ones (%)."""
        started = self.files_at_start + self.new
        return round(self.left * 100 / started, 1) if started else None

    @property
    def found_and_out_rate(self):
        return round(self.found_and_out * 100 / self.new, 1) if self.new else None

    @property
    def average_aid(self):
        return (self.money_total / self.households_paid).quantize(ZERO) if self.households_paid else None

    @property
    def files_waiting(self) -> int:
        return self.notice + self.exit_proposed + self.exit_notice

    @property
    def waiting(self) -> int:
        return self.files_waiting + self.applications_waiting


def household_list_url(union: Organization, **filters) -> str:
    return f"{reverse('cases:household_list')}?{urlencode({**filters, 'union': union.pk})}"


def application_list_url(**filters) -> str:
    return f"{reverse('programs:application_list')}?{urlencode(filters)}"


def dashboard_url(union: Organization, year: int) -> str:
    return f"{reverse('reports:dashboard')}?{urlencode({'org': union.pk, 'year': year})}"


def _current_file_counts(path: str, today: date):
    """The numbers of files as they are now, by each household's current file (a household has one open file)."""
    file = "current_file__"
    return (
        Household.objects.filter(org_path__startswith=path, is_active=True, current_file__isnull=False)
        .order_by()
        .values("org_path")
        .annotate(
            active=Count("id", filter=Q(**{f"{file}status": FileStatus.ACTIVE})),
            overdue=Count("id", filter=Q(**{f"{file}status__in": FILED_STATUSES, f"{file}next_visit_due__lt": today})),
            notice=Count("id", filter=Q(**{f"{file}status": FileStatus.NOTICE})),
            exit_proposed=Count("id", filter=Q(**{f"{file}status": FileStatus.EXIT_PROPOSED})),
            exit_notice=Count("id", filter=Q(**{f"{file}status": FileStatus.EXIT_NOTICE})),
        )
    )  # fmt: skip


def _year_file_counts(path: str, year: int):
    """The year's numbers, on every file as AnnualSummary counts them: a household that left and came back in the
    year counts in both, and a past year's numbers do not move when a household files again."""
    conditions = file_count_filters(year)
    return (
        HardshipFile.objects.filter(COUNTED_FILES, org_path__startswith=path)
        .order_by()
        .values("org_path")
        .annotate(**{name: Count("id", filter=conditions[name]) for name in YEAR_FILE_COUNTS})
    )


def _money(path: str, year: int):
    return (
        Disbursement.objects.counted()
        .filter(org_path__startswith=path, paid_on__year=year)
        .order_by()
        .values("org_path")
        .annotate(
            money_total=Sum("amount"),
            payments=Count("id"),
            households_paid=Count("application__household", distinct=True),
        )
    )


def _applications_waiting(path: str):
    return (
        AidApplication.objects.filter(org_path__startswith=path, status=ApplicationStatus.SUBMITTED)
        .order_by()
        .values("org_path")
        .annotate(applications_waiting=Count("id"), oldest=Min("submitted_at"))
    )


def oldest_file_waiting(path: str) -> datetime | None:
    """When the longest-waiting file entered the status it is waiting in."""
    entered = (
        FileEvent.objects.filter(file=OuterRef("pk"), to_status=OuterRef("status")).order_by("-at").values("at")[:1]
    )
    return (
        HardshipFile.objects.filter(org_path__startswith=path, status__in=FILES_WAITING)
        .annotate(entered=Subquery(entered))
        .aggregate(oldest=Min("entered"))["oldest"]
    )


def _roll_up(figures: list[Figures], rows, names) -> None:
    """Add each `org_path` row to the union that owns it and to every union of `figures` above it."""
    for row in rows:
        for target in figures:
            if row["org_path"].startswith(target.union.path):
                for name in names:
                    setattr(target, name, getattr(target, name) + (row[name] or 0))


def union_figures(union: Organization, year: int, today: date) -> tuple[Figures, list[Figures], datetime | None]:
    """The union's figures, its children's, and when the oldest aid application still waiting was submitted."""
    figures = Figures(union)
    children = [Figures(child) for child in Organization.objects.filter(parent=union).order_by("path")]
    everyone = [figures, *children]
    _roll_up(everyone, _current_file_counts(union.path, today), CURRENT_FILE_COUNTS)
    _roll_up(everyone, _year_file_counts(union.path, year), YEAR_FILE_COUNTS)
    _roll_up(everyone, _money(union.path, year), ["money_total", "payments", "households_paid"])
    waiting = list(_applications_waiting(union.path))
    _roll_up(everyone, waiting, ["applications_waiting"])
    oldest_application = min((row["oldest"] for row in waiting if row["oldest"]), default=None)
    for each in everyone:
        each.links = figure_links(each, year)
    return figures, children, oldest_application


def figure_links(figures: Figures, year: int) -> dict[str, str]:
    union = figures.union
    return {
        "active": household_list_url(union, status=FileStatus.ACTIVE),
        "new": household_list_url(union, activated_year=year),
        "exited": household_list_url(union, status=FileStatus.EXITED, closed_year=year),
        "relieved": household_list_url(union, status=FileStatus.RELIEVED, closed_year=year),
        "left": household_list_url(union, left="on", closed_year=year),
        "found_and_out": household_list_url(union, left="on", activated_year=year, closed_year=year),
        "overdue": household_list_url(union, filed="on", overdue="on"),
        "notice": household_list_url(union, status=FileStatus.NOTICE),
        "exit_proposed": household_list_url(union, status=FileStatus.EXIT_PROPOSED),
        "exit_notice": household_list_url(union, status=FileStatus.EXIT_NOTICE),
        "dashboard": dashboard_url(union, year),
        "money": application_list_url(status=ApplicationStatus.DISBURSED, union=union.pk, paid_year=year),
        "applications_waiting": application_list_url(status=ApplicationStatus.SUBMITTED, union=union.pk),
    }


def budget_usage(union: Organization, year: int) -> dict:
    """Budget lines of the union's subtree for the year: total, committed (approved, unpaid) and paid.

    Two grouped reads, not `Budget.with_usage()`: its two correlated sums per line took 3.5 s for a province's 800
    lines over 400,000 applications (docs/PERFORMANCE.md); summed once over the lines' applications it is one scan."""
    lines = Budget.objects.filter(org_path__startswith=union.path, year=year)
    amount = lines.order_by().aggregate(total=Sum("amount"))["total"] or ZERO
    granted = (
        AidApplication.objects.filter(budget__in=lines.values("pk"), status__in=GRANTED_STATUSES)
        .order_by()
        .values("status")
        .annotate(approved=Sum("approved_amount"), paid=Sum("disbursement__amount"))
    )
    used = ZERO
    for row in granted:
        used += (row["approved"] if row["status"] == ApplicationStatus.APPROVED else row["paid"]) or ZERO
    return {"amount": amount, "used": used, "share": round(used * 100 / amount, 1) if amount else None}


def active_breakdown(union: Organization) -> tuple[list[dict], list[dict]]:
    """Active files by hardship category and by primary cause, each row with the link to its list."""
    by_category, by_cause = defaultdict(int), defaultdict(int)
    active = Q(org_path__startswith=union.path, is_active=True, current_file__status=FileStatus.ACTIVE)
    rows = (
        Household.objects.filter(active)
        .order_by()
        .values_list("current_file__category", "current_file__primary_cause")
        .annotate(count=Count("id"))
    )
    for category, cause, count in rows:
        by_category[category] += count
        by_cause[cause] += count
    categories = [
        {"label": label, "value": count, "url": household_list_url(union, status=FileStatus.ACTIVE, category=value)}
        for value, label in Category.choices if (count := by_category[value])
    ]  # fmt: skip
    causes = [
        {"label": label, "value": count, "url": household_list_url(union, status=FileStatus.ACTIVE, cause=value)}
        for value, label in Cause.choices if (count := by_cause[value])
    ]  # fmt: skip
    return categories, causes


def money_by_program(union: Organization, year: int) -> list[dict]:
    """Money paid in the year per program, each linked to the list of those payments' applications."""
    kinds = dict(ProgramKind.choices)
    rows = (
        Disbursement.objects.counted()
        .filter(org_path__startswith=union.path, paid_on__year=year)
        .order_by()
        .values("application__program", "application__program__name", "application__program__kind")
        .annotate(amount=Sum("amount"), payments=Count("id"))
        .order_by("application__program__kind", "application__program__name")
    )
    return [
        {"label": row["application__program__name"], "kind": kinds.get(row["application__program__kind"], ""),
         "value": row["amount"], "payments": row["payments"],
         "url": application_list_url(status=ApplicationStatus.DISBURSED, program=row["application__program"],
                                     union=union.pk, paid_year=year)}
        for row in rows
    ]  # fmt: skip


def active_trend(union: Organization) -> list[dict]:
    """Files remaining at the end of each year the union has a summary for: the 309 → 209 → 48 → 0 picture."""
    return [
        {"label": year, "value": remaining, "url": dashboard_url(union, year)}
        for year, remaining in AnnualSummary.objects.filter(organization=union)
        .order_by("year")
        .values_list("year", "remaining")
    ]


def _cache_key(union: Organization, year: int, today: date) -> str:
    return f"dashboard:1:{union.pk}:{union.path}:{year}:{today}:{translation.get_language()}"


def dashboard_context(*, union: Organization, year: int, now: datetime) -> dict:
    """Everything the dashboard shows: computed in a fixed number of queries, then kept in the cache for
    `DASHBOARD_CACHE_SECONDS`, so that a province's page reads its 100,000 files once every few minutes, not on every
    visit. The figures depend on the union, the year, the day and the language of the labels, never on the user
    (the view has already checked that the union is in the user's scope)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    context = cache.get(_cache_key(union, year, timezone.localdate(now))) if seconds else None
    if context is None:
        context = dashboard_figures_refresh(union=union, year=year, now=now)
    oldest = context["oldest_waiting"]
    return {**context, "oldest_waiting_days": (now - oldest).days if oldest else None,
            "cache_minutes": max(1, seconds // 60) if seconds else None}  # fmt: skip


def dashboard_figures_refresh(*, union: Organization, year: int, now: datetime) -> dict:
    """Compute the union's figures and, when the cache is on, store them (a cache miss, or the beat's warm-up)."""
    today = timezone.localdate(now)
    context = _dashboard_figures(union, year, today)
    context["computed_at"] = now
    if settings.DASHBOARD_CACHE_SECONDS:
        cache.set(_cache_key(union, year, today), context, settings.DASHBOARD_CACHE_SECONDS)
    return context


def _dashboard_figures(union: Organization, year: int, today: date) -> dict:
    figures, children, oldest_application = union_figures(union, year, today)
    oldest = min(filter(None, [oldest_application, oldest_file_waiting(union.path)]), default=None)
    categories, causes = active_breakdown(union)
    programs, trend = money_by_program(union, year), active_trend(union)
    return {
        "union": union,
        "year": year,
        "figures": figures,
        "children": children,
        "oldest_waiting": oldest,
        "budget": budget_usage(union, year),
        "budget_url": f"{reverse('programs:program_list')}?{urlencode({'year': year})}",
        "categories": categories,
        "causes": causes,
        "programs": programs,
        "trend": trend,
        "charts": {
            "trend": _chart("line", _("remaining at end of year"), *_columns(trend)),
            "categories": _chart("doughnut", _("active files"), *_columns(categories)),
            "causes": _chart("bar", _("active files"), *_columns(causes)),
            "programs": _chart("bar", _("amount (yuan)"), *_columns(programs)),
        },
    }


def _columns(rows: list[dict]) -> tuple[list, list, list]:
    return [row["label"] for row in rows], [row["value"] for row in rows], [row["url"] for row in rows]


def _chart(kind: str, label, labels: list, values: list, urls: list) -> dict:
    """What static/js/dashboard.js draws; each segment's URL is where a click on it goes (none: not clickable)."""
    return {"type": kind, "label": str(label), "labels": [str(each) for each in labels],
            "values": [str(each) for each in values], "urls": urls}  # fmt: skip
