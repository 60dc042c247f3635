from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from cases.choices import FileStatus
from cases.extensions import extend_my_work
from cases.models import HardshipFile, PlanMeasure
from cases.services.files import union_may_approve

SOON = timedelta(days=30)
REVIEW_STATUSES = [FileStatus.APPLIED, FileStatus.FIRST_REVIEWED, FileStatus.HOME_CHECKED, FileStatus.EXIT_PROPOSED]
# The approver's inbox: notices to approve, and exit proposals whose exit notice is still to start.
INBOX_STATUSES = [FileStatus.NOTICE, FileStatus.EXIT_PROPOSED, FileStatus.EXIT_NOTICE]


@login_required
def my_work(request):
    """A caseworker's day: alerts (from the apps that provide them), visits and measures due, files waiting."""
    today = timezone.localdate()
    mine = HardshipFile.objects.visible_to(request.user).filter(contact_person=request.user)
    visits_due = (
        mine.filed()
        .filter(next_visit_due__lte=today + SOON)
        .select_related("household")
        .order_by("next_visit_due")[:100]
    )
    measures_due = (
        PlanMeasure.objects.visible_to(request.user)
        .open()
        .filter(responsible=request.user, due_date__lte=today + SOON)
        .select_related("plan__file__household")
        .order_by("due_date")[:100]
    )
    waiting = mine.filter(status__in=REVIEW_STATUSES).select_related("household").order_by("updated_at")[:100]
    context = {
        "user": request.user,
        "today": today,
        "visits_due": visits_due,
        "measures_due": measures_due,
        "waiting": waiting,
    }
    return render(request, "cases/my_work.html", extend_my_work(context))


@login_required
def approver_inbox(request):
    """Files in my scope waiting for an approver: public notices to approve and exit proposals, oldest first."""
    waiting = (
        HardshipFile.objects.visible_to(request.user)
        .filter(status__in=INBOX_STATUSES)
        .select_related("household", "organization", "applied_by", "exit_proposed_by")
        .order_by("updated_at", "id")
    )
    may_approve = request.user.has_role(Role.APPROVER) and union_may_approve(request.user.organization)
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    return render(
        request, "cases/inbox.html", {"page": page, "today": timezone.localdate(), "may_approve": may_approve}
    )
