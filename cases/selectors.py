"""Reads that pages share: already scoped, already joined."""

from django.db.models import Prefetch, Q

from accounts.roles import Role
from cases.extensions import extend_household_page
from cases.identity import normalize_id_number
from cases.models import Household, Member
from cases.sensitive import may_see_sensitive


def households_for_list(user):
    heads = Member.objects.filter(relation="head", is_active=True)
    return (
        Household.objects.visible_to(user)
        .active()
        .select_related("organization", "current_file", "current_file__contact_person")
        .prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))
        .order_by("-created_at", "-id")
    )


def household_named_exactly(user, query: str) -> Household | None:
    """The household in the user's scope that an exact household code or a member's exact ID number names, however
    it was typed (full-width digits, spaces, a lower-case x); None for anything else, in scope or not."""
    key = normalize_id_number(query)
    if not key:
        return None
    households = Household.objects.visible_to(user).active()
    by_member = Member.objects.filter(id_number=key, is_active=True).values("household_id")
    return households.filter(Q(code=key) | Q(pk__in=by_member)).order_by("pk").first()


def _minimum_wage_figures(household, members, latest_income) -> dict:
    """Which members the latest income assessment counted at the local minimum wage, and that wage."""
    from cases.models import LocalStandard

    if latest_income is None or not latest_income.imputed_wages:
        return {"minimum_wage_member_ids": set(), "minimum_wage": None}
    day = latest_income.assessed_on
    standard = LocalStandard.objects.for_union(household.organization, day.year)
    if standard is None:
        return {"minimum_wage_member_ids": set(), "minimum_wage": None}
    counted = {member.pk for member in members if member.counts_at_minimum_wage(standard=standard, day=day)}
    return {"minimum_wage_member_ids": counted, "minimum_wage": standard.minimum_wage}


def household_page_context(household, user) -> dict:
    """Everything the household page shows, in a fixed number of queries whatever the history's length."""
    from django.utils import timezone

    from cases.choices import FileStatus, MeasureStatus
    from cases.models import AssistancePlan, FileEvent, Visit
    from cases.services.files import available_actions

    today = timezone.localdate()
    members = list(household.members.active().order_by("id"))
    household.heads = [member for member in members if member.is_head]  # Household.display_name reads it
    file = household.current_file
    if file is not None:
        file = type(file).objects.select_related("contact_person", "previous_file").get(pk=file.pk)
    events = FileEvent.objects.filter(file__household=household).select_related("by", "file")
    visits = (
        Visit.objects.filter(file__household=household)
        .select_related("recorded_by", "income_assessment")
        .prefetch_related("attachments", "measures_checked")
    )
    timeline = sorted(
        [{"at": event.at, "kind": "event", "event": event} for event in events]
        + [{"at": visit.created_at, "day": visit.visited_on, "kind": "visit", "visit": visit} for visit in visits],
        key=lambda item: item["at"],
        reverse=True,
    )
    plan = None
    if file is not None:
        plan = (
            AssistancePlan.objects.filter(file=file, year=today.year).prefetch_related("measures__responsible").first()
        )
    is_caseworker = user.has_role(Role.CASEWORKER)
    latest_income = household.income_assessments.order_by("-assessed_on", "-id").first()
    context = {
        "household": household,
        "members": members,
        "file": file,
        "actions": available_actions(file, user) if file else [],
        "plan": plan,
        "timeline": timeline,
        "latest_income": latest_income,
        **_minimum_wage_figures(household, members, latest_income),
        "show_sensitive": may_see_sensitive(user),
        "may_edit": is_caseworker,
        "may_apply": is_caseworker and (file is None or file.status in (FileStatus.REJECTED, FileStatus.CANCELLED)),
        "may_refile": is_caseworker and file is not None and file.status in (FileStatus.EXITED, FileStatus.RELIEVED),
        "may_visit": is_caseworker and file is not None,
        "today": today,
        "measure_statuses": MeasureStatus.choices,
        "user": user,
    }
    return extend_household_page(context)
