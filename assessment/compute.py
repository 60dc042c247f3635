"""The year-end assessment of a chunk of files, with set-based reads: a fixed number of queries per chunk.

DOMAIN.md "Year-end effectiveness assessment": income against the minimum living line over the last 6 months, visits
done against due, plan measures done, aid received by program; a recommendation with its reasons. A proposal only: the
assessment never changes a file.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from assessment.choices import Recommendation
from cases.choices import FileStatus, Health, MeasureStatus
from cases.models import IncomeAssessment, LocalStandard, Member, PlanMeasure, Visit
from programs.models import AidApplication
from programs.models.programs import granted_amount

ZERO = Decimal("0.00")


@dataclass
class Inputs:
    """What the assessment read for one file."""

    per_capita_income: Decimal | None = None
    months_above_line: int = 0
    dibao_line: Decimal | None = None
    exit_months: int = 6
    visits_done: int = 0
    visits_due: int = 0
    measures_done: int = 0
    measures_total: int = 0
    aid_by_program: dict = field(default_factory=dict)
    aid_total: Decimal = ZERO
    members: int = 0
    seriously_ill_or_disabled: bool = False


def month_ends(until: date, count: int) -> list[date]:
    """The last day of each of the `count` months up to and including the month of `until`, oldest first."""
    ends = []
    for back in range(count - 1, -1, -1):
        index = until.year * 12 + until.month - 1 - back
        year, month = divmod(index, 12)
        first_of_next = date(year + (month == 11), (month + 1) % 12 + 1, 1)
        ends.append(date.fromordinal(first_of_next.toordinal() - 1))
    return ends


def months_above(assessments: list[tuple[date, Decimal, Decimal]], ends: list[date]) -> int:
    """How many of the latest months in a row, counting back from the last, were above the line.

    A month counts by its latest assessment on or before its end. `assessments` are (assessed_on, per-capita income,
    line used) in date order.
    """
    above = []
    index, latest = 0, None
    for end in ends:
        while index < len(assessments) and assessments[index][0] <= end:
            latest = assessments[index]
            index += 1
        above.append(latest is not None and latest[1] > latest[2])
    streak = 0
    for month_above in reversed(above):
        if not month_above:
            break
        streak += 1
    return streak


def assessment_day(year: int, today: date | None = None) -> date:
    """The day the assessment looks back from: the end of the year, or today for a run inside the year."""
    return min(date(year, 12, 31), today or date.today())


def visits_due(activated_on: date | None, closed_on: date | None, year: int, interval_months: int) -> int:
    """Visits due in the year: one per interval of the months the file was open in it, at least one."""
    start = max(activated_on or date(year, 1, 1), date(year, 1, 1))
    end = min(closed_on or date(year, 12, 31), date(year, 12, 31))
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return max(1, math.ceil(months / max(interval_months, 1)))


CLOSED_AS = {FileStatus.EXITED: Recommendation.EXIT, FileStatus.RELIEVED: Recommendation.RELIEVE,
             FileStatus.CANCELLED: Recommendation.CANCEL}  # fmt: skip


def recommend(inputs: Inputs, closed_as: str | None = None, closed_on: date | None = None) -> tuple[str, list[str]]:
    """The recommendation and its reasons, written in the file's language (the site's), whatever the screen shows.

    A file closed during the year is reported as what it became: it needs no proposal any more.
    """
    with translation.override(settings.LANGUAGE_CODE):
        recommendation, reasons = _recommend(inputs)
        if closed_as in CLOSED_AS:
            status = dict(FileStatus.choices)[closed_as]
            done = _("The file was closed on %(day)s: %(status)s.") % {"day": closed_on.isoformat(), "status": status}
            return CLOSED_AS[closed_as], [done, *reasons[-2:]]
        return recommendation, reasons


def _recommend(inputs: Inputs) -> tuple[str, list[str]]:
    money = lambda amount: f"{amount:,.2f}"  # noqa: E731
    reasons = []
    if inputs.per_capita_income is not None and inputs.dibao_line is not None:
        reasons.append(
            _("Per-capita income %(income)s, line %(line)s; above the line for the last %(months)d months in a row.")
            % {"income": money(inputs.per_capita_income), "line": money(inputs.dibao_line),
               "months": inputs.months_above_line}
        )  # fmt: skip
    else:
        reasons.append(_("No income assessment yet."))
    reasons.append(
        _("Visits %(done)d of %(due)d due; measures %(measures_done)d of %(measures)d done; aid this year %(aid)s.")
        % {"done": inputs.visits_done, "due": inputs.visits_due, "measures_done": inputs.measures_done,
           "measures": inputs.measures_total, "aid": money(inputs.aid_total)}
    )  # fmt: skip
    if inputs.members == 0:
        return Recommendation.CANCEL, [_("No current member is left in the household."), *reasons]
    if inputs.months_above_line >= inputs.exit_months:
        return Recommendation.EXIT, [
            _("Income was above the line for %(months)d consecutive months: propose exit.")
            % {"months": inputs.exit_months},
            *reasons,
        ]
    at_line = inputs.per_capita_income is not None and inputs.dibao_line is not None
    if inputs.seriously_ill_or_disabled and at_line and inputs.per_capita_income >= inputs.dibao_line:
        return Recommendation.RELIEVE, [
            _("Illness or disability keeps the household from exiting; aid holds it at the line: propose relief."),
            *reasons,
        ]  # fmt: skip
    if inputs.months_above_line > 0:
        return Recommendation.WATCH, [_("Income has risen above the line recently: watch it."), *reasons]
    if inputs.visits_done < inputs.visits_due:
        return Recommendation.WATCH, [_("Fewer visits than due: visit the household."), *reasons]
    return Recommendation.REMAIN, [_("Still in hardship: keep the file and the plan."), *reasons]


class StandardCache:
    """The local standard of each union for the run's year: nearest up the tree, read at most once per chunk."""

    def __init__(self, year: int):
        self.year, self.by_union = year, {}

    def prefetch(self, unions) -> None:
        missing = {union.pk: union for union in unions if union.pk not in self.by_union}
        if not missing:
            return
        paths = {path for union in missing.values() for path in union.ancestor_paths()}
        found = {
            standard.organization.path: standard
            for standard in LocalStandard.objects.filter(organization__path__in=paths, year=self.year).select_related(
                "organization"
            )
        }
        for union in missing.values():
            nearest = (found[path] for path in reversed(union.ancestor_paths()) if path in found)
            self.by_union[union.pk] = next(nearest, None)

    def get(self, organization):
        self.prefetch([organization])
        return self.by_union[organization.pk]


def assess_chunk(
    files: list, year: int, standards: StandardCache, today: date | None = None
) -> dict[int, tuple[Inputs, str, list[str]]]:
    """Inputs, recommendation and reasons for each file of the chunk, keyed by file id."""
    household_ids = [file.household_id for file in files]
    file_ids = [file.pk for file in files]
    year_end = assessment_day(year, today)
    standards.prefetch(file.household.organization for file in files)

    incomes = defaultdict(list)
    for household_id, day, income, line in (
        IncomeAssessment.objects.filter(household_id__in=household_ids, assessed_on__lte=year_end)
        .order_by("household_id", "assessed_on", "id")
        .values_list("household_id", "assessed_on", "per_capita_monthly", "dibao_line")
    ):
        incomes[household_id].append((day, income, line))
    visits = dict(
        Visit.objects.filter(file_id__in=file_ids, visited_on__year=year)
        .values("file_id").annotate(count=Count("id")).values_list("file_id", "count")
    )  # fmt: skip
    measures = {
        row["plan__file_id"]: row
        for row in PlanMeasure.objects.filter(plan__file_id__in=file_ids, plan__year=year)
        .exclude(status=MeasureStatus.DROPPED)
        .values("plan__file_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=MeasureStatus.DONE)))
    }
    aid = defaultdict(dict)
    for household_id, kind, total in (
        AidApplication.objects.granted().filter(household_id__in=household_ids, year=year)
        .values("household_id", "program__kind").annotate(total=Sum(granted_amount()))
        .values_list("household_id", "program__kind", "total")
    ):  # fmt: skip
        aid[household_id][kind] = str(total)
    members = defaultdict(list)
    # order_by(): the model's ordering joins the households only to sort them.
    current = Member.objects.filter(household_id__in=household_ids, is_active=True).order_by()
    for household_id, health in current.values_list("household_id", "health"):
        members[household_id].append(health)

    results = {}
    for file in files:
        standard = standards.get(file.household.organization)
        exit_months = standard.exit_months if standard else 6
        history = incomes[file.household_id]
        closed = file.closed_on if file.closed_on and file.closed_on <= year_end else None
        inputs = Inputs(
            per_capita_income=history[-1][1] if history else None,
            months_above_line=months_above(history, month_ends(year_end, max(6, exit_months))),
            dibao_line=standard.dibao_line if standard else (history[-1][2] if history else None),
            exit_months=exit_months,
            visits_done=visits.get(file.pk, 0),
            visits_due=visits_due(file.activated_on, closed, year, standard.visit_interval_months if standard else 6),
            measures_done=measures.get(file.pk, {}).get("done", 0),
            measures_total=measures.get(file.pk, {}).get("total", 0),
            aid_by_program=aid[file.household_id],
            aid_total=sum((Decimal(amount) for amount in aid[file.household_id].values()), ZERO),
            members=len(members[file.household_id]),
            seriously_ill_or_disabled=any(h in (Health.SERIOUS, Health.DISABLED) for h in members[file.household_id]),
        )
        recommendation, reasons = recommend(inputs, closed_as=file.status if closed else None, closed_on=closed)
        results[file.pk] = (inputs, recommendation, reasons)
    return results
