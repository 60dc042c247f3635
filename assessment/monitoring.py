"""Daily monitoring (日常监测): which alerts should be open today, raised and resolved in a fixed number of queries.

Kinds (AlertKind): a visit overdue on a filed file; a post-exit follow-up visit due (脱困不脱政策, until the file's
follow_up_until); income below the line in an assessment after the exit (a household that may return, 返困); a serious
illness that the file's causes do not reflect; a plan measure past its due date.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Organization, User
from accounts.roles import Role
from assessment.choices import AlertKind
from assessment.models import Alert
from cases.choices import FILED_STATUSES, OPEN_STATUSES, Cause, FileStatus, Health, MeasureStatus
from cases.models import HardshipFile, IncomeAssessment, Member
from cases.models.households import heads_prefetch

CLOSED_OUT = [FileStatus.EXITED, FileStatus.RELIEVED]
OPEN_MEASURES = [MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS]
BATCH = 500
MY_WORK_LIMIT = 100

# What a finder yields for each file that should carry its kind of alert: (file id, union id, org_path, details).
Finding = tuple[int, int, str, str]


def _yuan(amount) -> str:
    # SQLite hands a subquery's decimal back without its scale: 800 is shown as 800.00, as on paper.
    return f"{Decimal(amount):.2f}"


def _followed_up(today: date) -> Q:
    """Exited or relieved files still followed up, whose household has not been filed again since."""
    refiled = HardshipFile.objects.filter(household=OuterRef("household_id"), status__in=OPEN_STATUSES)
    return Q(status__in=CLOSED_OUT, follow_up_until__gte=today) & ~Exists(refiled)


def _visits_overdue(files: QuerySet, today: date) -> Iterable[Finding]:
    rows = files.filter(status__in=FILED_STATUSES, next_visit_due__lt=today)
    for file_id, union_id, path, due in rows.values_list("id", "organization_id", "org_path", "next_visit_due"):
        yield file_id, union_id, path, _("The visit was due on %(due)s.") % {"due": due.isoformat()}


def _follow_ups_due(files: QuerySet, today: date) -> Iterable[Finding]:
    rows = files.filter(_followed_up(today), next_visit_due__lt=today).values_list(
        "id", "organization_id", "org_path", "next_visit_due", "follow_up_until"
    )
    for file_id, union_id, path, due, until in rows:
        details = _("The follow-up visit was due on %(due)s; follow-up continues until %(until)s.") % {
            "due": due.isoformat(),
            "until": until.isoformat(),
        }
        yield file_id, union_id, path, details


def _incomes_below_line(files: QuerySet, today: date) -> Iterable[Finding]:
    latest = IncomeAssessment.objects.filter(
        household=OuterRef("household_id"), assessed_on__gt=OuterRef("closed_on")
    ).order_by("-assessed_on", "-id")
    rows = (
        files.filter(_followed_up(today))
        .annotate(
            income=Subquery(latest.values("per_capita_monthly")[:1]),
            line=Subquery(latest.values("dibao_line")[:1]),
            income_assessed_on=Subquery(latest.values("assessed_on")[:1]),
        )
        .filter(income__lt=F("line"))
        .values_list("id", "organization_id", "org_path", "income", "line", "income_assessed_on")
    )
    for file_id, union_id, path, income, line, assessed_on in rows:
        details = _(
            "Per-capita monthly income %(income)s yuan (assessed %(date)s) is below the minimum living line "
            "of %(line)s yuan."
        ) % {"income": _yuan(income), "date": assessed_on.isoformat(), "line": _yuan(line)}
        yield file_id, union_id, path, details


def _serious_illnesses(files: QuerySet, today: date) -> Iterable[Finding]:
    ill = Member.objects.filter(household=OuterRef("household_id"), is_active=True, health=Health.SERIOUS)
    rows = (
        files.filter(Q(status__in=FILED_STATUSES) | _followed_up(today))
        .filter(Exists(ill))
        .exclude(primary_cause=Cause.SERIOUS_ILLNESS)
        .values_list("id", "organization_id", "org_path", "secondary_causes")
    )
    # The secondary causes are a JSON list, which SQLite cannot search: the few candidates are checked here.
    for file_id, union_id, path, secondary in rows:
        if Cause.SERIOUS_ILLNESS not in {int(cause) for cause in secondary or []}:
            yield file_id, union_id, path, _("A current member has a serious illness; the file's causes do not say so.")


def _measures_overdue(files: QuerySet, today: date) -> Iterable[Finding]:
    rows = (
        files.filter(
            status__in=FILED_STATUSES, plans__measures__status__in=OPEN_MEASURES, plans__measures__due_date__lt=today
        )
        .annotate(overdue=Count("plans__measures"), earliest=Min("plans__measures__due_date"))
        .order_by()
        .values_list("id", "organization_id", "org_path", "overdue", "earliest")
    )
    for file_id, union_id, path, overdue, earliest in rows:
        details = _("Open plan measures past their due date: %(count)d; the earliest was due on %(due)s.") % {
            "count": overdue,
            "due": earliest.isoformat(),
        }
        yield file_id, union_id, path, details


FINDERS: dict[str, Callable[[QuerySet, date], Iterable[Finding]]] = {
    AlertKind.VISIT_OVERDUE: _visits_overdue,
    AlertKind.FOLLOW_UP_DUE: _follow_ups_due,
    AlertKind.INCOME_BELOW_LINE: _incomes_below_line,
    AlertKind.SERIOUS_ILLNESS: _serious_illnesses,
    AlertKind.MEASURE_OVERDUE: _measures_overdue,
}


@transaction.atomic
def alerts_refresh(*, today: date | None = None, organization: Organization | None = None) -> dict[str, int]:
    """Raise the alerts that should be open today and resolve those whose condition cleared; safe to run twice.

    One query per kind, one for the open alerts, then bulk writes: the count does not grow with the files.
    `organization` limits the refresh to a union's subtree (None: every union).
    """
    today = today or timezone.localdate()
    now = timezone.now()
    files = HardshipFile.objects.all()
    open_alerts = Alert.objects.open()
    if organization is not None:
        files = files.filter(org_path__startswith=organization.path)
        open_alerts = open_alerts.filter(org_path__startswith=organization.path)

    # Details are stored text, written in the site's language like the assessment's reasons.
    with translation.override(settings.LANGUAGE_CODE):
        wanted = {
            (file_id, kind): (union_id, path, details)
            for kind, finder in FINDERS.items()
            for file_id, union_id, path, details in finder(files, today)
        }
    existing = {(alert.file_id, alert.kind): alert for alert in open_alerts}

    new = [
        Alert(file_id=file_id, kind=kind, organization_id=union_id, org_path=path, details=details)
        for (file_id, kind), (union_id, path, details) in wanted.items()
        if (file_id, kind) not in existing
    ]
    changed, resolved = [], 0
    for key, alert in existing.items():
        if key not in wanted:
            alert.resolved_at = now
            resolved += 1
        elif alert.details != wanted[key][2]:
            alert.details = wanted[key][2]
        else:
            continue
        changed.append(alert)
    bulk_create_with_history(new, Alert, batch_size=BATCH, default_date=now)
    bulk_update_with_history(changed, Alert, ["resolved_at", "details"], batch_size=BATCH, default_date=now)
    return {"created": len(new), "resolved": resolved, "updated": len(changed) - resolved}


def my_open_alerts(user: User) -> QuerySet:
    """The open alerts of the files a caseworker is the contact person of, within their scope."""
    return Alert.objects.visible_to(user).open().filter(file__contact_person=user)


def my_open_alert_count(user: User) -> int:
    """The count beside "My work" in the navigation bar: one query, caseworkers only."""
    return my_open_alerts(user).count() if user.has_role(Role.CASEWORKER) else 0


def my_work_alerts(context: dict) -> None:
    """The My work page's alerts panel: oldest first, with the one-click re-file of a household that fell back."""
    alerts = list(
        my_open_alerts(context["user"])
        .select_related("file__household")
        .prefetch_related(heads_prefetch("file__household__members"))
        .order_by("created_at", "id")[:MY_WORK_LIMIT]
    )
    for alert in alerts:
        file = alert.file
        alert.refile_url = None
        # The apply page re-files as returned only while this closed file is still the household's latest.
        if alert.kind == AlertKind.INCOME_BELOW_LINE and file.status in CLOSED_OUT:
            if file.household.current_file_id == file.pk:
                alert.refile_url = reverse("cases:file_apply", args=[file.household_id]) + "?returned=1"
    context["panels"].append({"template": "assessment/_alerts_my_work.html", "alerts": alerts})
