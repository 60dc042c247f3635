from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from cases.choices import FileStatus
from cases.models import HardshipFile, PlanMeasure
from cases.services.files import union_may_approve

SOON = timedelta(days=30)
REVIEW_STATUSES = [FileStatus.APPLIED, FileStatus.FIRST_REVIEWED, FileStatus.HOME_CHECKED, FileStatus.EXIT_PROPOSED]


@login_required
def my_work(request):
    """A caseworker's day: visits due within 30 days or overdue, measures due, files waiting for the next step."""
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
    context = {"visits_due": visits_due, "measures_due": measures_due, "waiting": waiting, "today": today}
    return render(request, "cases/my_work.html", context)


@login_required
def approver_inbox(request):
    """Files whose public notice waits for an approval in my scope, oldest first."""
    waiting = (
        HardshipFile.objects.visible_to(request.user)
        .filter(status__in=[FileStatus.NOTICE, FileStatus.EXIT_NOTICE])
        .select_related("household", "organization", "applied_by", "exit_proposed_by")
        .order_by("updated_at", "id")
    )
    may_approve = request.user.has_role(Role.APPROVER) and union_may_approve(request.user.organization)
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    return render(
        request, "cases/inbox.html", {"page": page, "today": timezone.localdate(), "may_approve": may_approve}
    )
