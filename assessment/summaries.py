"""Annual summaries per union, rolled up the tree: a city's numbers are its counties' plus its own files'.

Every number is counted once per file (or payment) at the union that owns it, with set-based queries grouped by
`org_path`, and then added up to each union above it in Python: a fixed number of queries whatever the tree's size.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import Organization
from assessment.models import AnnualSummary, HouseholdAssessment
from cases.choices import FileStatus, Origin
from cases.models import HardshipFile
from programs.models import Disbursement

COUNTS = ["files_at_start", "new", "exited", "relieved", "cancelled", "returned", "remaining", "found_and_out",
          "visits_done", "visits_due", "measures_done", "measures_total", "households_paid"]  # fmt: skip


# Only filed (activated) files are counted; a file in `file_count_filters` is one of these.
COUNTED_FILES = Q(activated_on__isnull=False)


def file_count_filters(year: int) -> dict[str, Q]:
    """The per-file condition of each file number of `year`, on HardshipFile fields (the dashboard counts these too)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_year = Q(activated_on__gte=start, activated_on__lte=end)
    closed_in_year = Q(closed_on__gte=start, closed_on__lte=end)
    open_from = lambda day: Q(closed_on__isnull=True) | Q(closed_on__gte=day)  # noqa: E731
    open_at = lambda day: Q(activated_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))  # noqa: E731
    left = Q(status__in=[FileStatus.EXITED, FileStatus.RELIEVED]) & closed_in_year
    return {
        "files_at_start": Q(activated_on__lt=start) & open_from(start),
        "new": in_year,
        "exited": Q(status=FileStatus.EXITED) & closed_in_year,
        "relieved": Q(status=FileStatus.RELIEVED) & closed_in_year,
        "cancelled": Q(status=FileStatus.CANCELLED) & closed_in_year,
        "returned": in_year & Q(origin=Origin.RETURNED),
        "remaining": open_at(end),
        "found_and_out": in_year & left,
    }


def _file_counts(path: str, year: int):
    return (
        HardshipFile.objects.filter(COUNTED_FILES, org_path__startswith=path)
        .values("org_path")
        .annotate(**{name: Count("id", filter=condition) for name, condition in file_count_filters(year).items()})
    )


def _unions_up_to(path: str, top: str) -> list[str]:
    """The path of the union that owns a record and of each union above it, up to `top`."""
    segments = path.split(".")
    paths = (".".join(segments[:depth]) for depth in range(1, len(segments) + 1))
    return [union_path for union_path in paths if union_path.startswith(top)]


def summaries_compute(*, organization: Organization, year: int, run=None) -> int:
    """Write (or replace) the AnnualSummary of `organization` and of every union below it for `year`."""
    per_path: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    money: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for row in _file_counts(organization.path, year):
        per_path[row.pop("org_path")].update(row)
    for row in (
        HouseholdAssessment.objects.filter(org_path__startswith=organization.path, year=year)
        .values("org_path")
        .annotate(visits_done=Sum("visits_done"), visits_due=Sum("visits_due"),
                  measures_done=Sum("measures_done"), measures_total=Sum("measures_total"))
    ):  # fmt: skip
        per_path[row.pop("org_path")].update(row)
    paid = Disbursement.objects.counted().filter(org_path__startswith=organization.path, paid_on__year=year)
    for path, kind, total in paid.values_list("org_path", "application__program__kind").annotate(total=Sum("amount")):
        money[path][kind] += total
    households = paid.values("org_path").annotate(n=Count("application__household", distinct=True))
    for path, count in households.values_list("org_path", "n"):
        per_path[path]["households_paid"] = count

    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    by_program: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for path, values in per_path.items():
        for union_path in _unions_up_to(path, organization.path):
            for name in COUNTS:
                totals[union_path][name] += values.get(name, 0) or 0
    for path, kinds in money.items():
        for union_path in _unions_up_to(path, organization.path):
            for kind, amount in kinds.items():
                by_program[union_path][kind] += amount
    summaries = []
    for union in Organization.objects.filter(path__startswith=organization.path):
        summary = AnnualSummary(year=year, run=run, **{name: totals[union.path][name] for name in COUNTS})
        amounts = by_program[union.path]
        summary.money_by_program = {kind: str(amount) for kind, amount in sorted(amounts.items())}
        summary.money_total = sum(amounts.values(), Decimal("0.00"))
        summary.set_organization(union)
        summaries.append(summary)
    AnnualSummary.objects.bulk_create(
        summaries,
        update_conflicts=True,
        unique_fields=["organization", "year"],
        update_fields=["run", "org_path", *COUNTS, "money_by_program", "money_total", "computed_at"],
    )
    return len(summaries)
