"""Reads that pages share: already scoped, already joined."""

from django.db.models import Prefetch

from accounts.roles import Role
from cases.extensions import extend_household_page
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
    context = {
        "household": household,
        "members": members,
        "file": file,
        "actions": available_actions(file, user) if file else [],
        "plan": plan,
        "timeline": timeline,
        "latest_income": household.income_assessments.order_by("-assessed_on", "-id").first(),
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
