from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.roles import Role
from cases.services.files import union_may_approve
from programs.forms import ApplicationFilterForm
from programs.selectors import applications_for_list, inbox_for

PAGE_SIZE = 25


def _filtered(request, applications):
    form = ApplicationFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        applications = form.filter(applications)
    query = request.GET.copy()
    query.pop("page", None)
    return form, applications, query.urlencode()


@login_required
def application_list(request):
    form, applications, query = _filtered(request, applications_for_list(request.user))
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programs/application_list.html", {"form": form, "page": page, "query": query})


@login_required
def inbox(request):
    """Aid applications my union is to approve, oldest first, with their age in days."""
    form, waiting, query = _filtered(request, inbox_for(request.user))
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    may_approve = request.user.has_role(Role.APPROVER) and union_may_approve(request.user.organization)
    context = {"form": form, "page": page, "query": query, "now": timezone.now(), "may_approve": may_approve}
    return render(request, "programs/inbox.html", context)
