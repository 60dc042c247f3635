from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from cases.choices import FileStatus
from cases.extensions import extend_my_work
from cases.models import HardshipFile, PlanMeasure
from cases.models.households import heads_prefetch
from cases.returned import my_work_mark_seen, returned_items
from cases.services.files import union_may_approve

SOON = timedelta(days=30)
REVIEW_STATUSES = [FileStatus.APPLIED, FileStatus.FIRST_REVIEWED, FileStatus.HOME_CHECKED, FileStatus.EXIT_PROPOSED]
# The approver's inbox: notices to approve, and exit proposals whose exit notice is still to start.
INBOX_STATUSES = [FileStatus.NOTICE, FileStatus.EXIT_PROPOSED, FileStatus.EXIT_NOTICE]


@login_required
def my_work(request):
    """A caseworker's day: what came back, alerts (from the apps that provide them), visits and measures due, files
    waiting. Opening it marks what came back as seen."""
    now = timezone.now()
    today = timezone.localdate(now)
    mine = HardshipFile.objects.visible_to(request.user).filter(contact_person=request.user)
    heads = heads_prefetch("household__members")
    visits_due = (
        mine.filed()
        .filter(next_visit_due__lte=today + SOON)
        .select_related("household")
        .prefetch_related(heads)
        .order_by("next_visit_due")[:100]
    )
    measures_due = (
        PlanMeasure.objects.visible_to(request.user)
        .open()
        .filter(responsible=request.user, due_date__lte=today + SOON)
        .select_related("plan__file__household")
        .prefetch_related(heads_prefetch("plan__file__household__members"))
        .order_by("due_date")[:100]
    )
    waiting = (
        mine.filter(status__in=REVIEW_STATUSES)
        .select_related("household")
        .prefetch_related(heads)
        .order_by("updated_at")
    )
    context = {
        "user": request.user,
        "today": today,
        "returned": returned_items(request.user, now),
        "visits_due": visits_due,
        "measures_due": measures_due,
        "waiting": waiting[:100],
    }
    my_work_mark_seen(user=request.user, at=now)
    return render(request, "cases/my_work.html", extend_my_work(context))


@login_required
def approver_inbox(request):
    """Files in my scope waiting for an approver: public notices to approve and exit proposals, oldest first."""
    waiting = (
        HardshipFile.objects.visible_to(request.user)
        .filter(status__in=INBOX_STATUSES)
        .select_related("household", "organization", "applied_by", "exit_proposed_by")
        .prefetch_related(heads_prefetch("household__members"))
        .order_by("updated_at", "id")
    )
    may_approve = request.user.has_role(Role.APPROVER) and union_may_approve(request.user.organization)
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    return render(
        request, "cases/inbox.html", {"page": page, "today": timezone.localdate(), "may_approve": may_approve}
    )
