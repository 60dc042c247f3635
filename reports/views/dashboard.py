from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Organization
from accounts.querystring import YEARS, query_number
from accounts.roles import Role
from accounts.scoping import union_in_scope_or_404
from assessment.forms import years_offered
from assessment.models import AnnualSummary
from reports.dashboard import dashboard_context


def _union(request) -> Organization:
    return union_in_scope_or_404(request.user, request.GET.get("org"))


def _year(request, years: list[int]) -> int:
    chosen = query_number(request.GET.get("year"), allowed=YEARS)
    return chosen if chosen in years else timezone.localdate().year


@require_GET
@login_required
def index(request):
    """The leader dashboard: headline numbers, trend and breakdowns of a union's subtree, each linked to its list."""
    user = request.user
    if not (user.is_superuser or user.has_role(Role.LEADER) or user.has_role(Role.APPROVER)):
        raise Http404
    union = _union(request)
    years = years_offered(AnnualSummary.objects.filter(organization=union).values_list("year", flat=True))
    context = dashboard_context(union=union, year=_year(request, years), now=timezone.now())
    context["years"] = years
    return render(request, "reports/dashboard.html", context)
