from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Organization
from accounts.roles import Role
from assessment.forms import years_offered
from assessment.models import AnnualSummary
from reports.dashboard import dashboard_context


def _union(request) -> Organization:
    """The user's own union, or (?org=) a union in their scope; any other union is a 404."""
    chosen = request.GET.get("org")
    if not chosen:
        return request.user.organization
    if not chosen.isdigit():
        raise Http404
    return get_object_or_404(Organization.objects.visible_to(request.user), pk=int(chosen))


def _year(request, years: list[int]) -> int:
    chosen = request.GET.get("year", "")
    return int(chosen) if chosen.isdigit() and int(chosen) in years else timezone.localdate().year


@require_GET
@login_required
def index(request):
    """The leader dashboard: headline numbers, trend and breakdowns of a union's subtree, each linked to its list."""
    user = request.user
    if not (user.is_superuser or user.has_role(Role.LEADER) or user.has_role(Role.APPROVER)):
        raise Http404
    union = _union(request)
    years = years_offered(AnnualSummary.objects.filter(organization=union).values_list("year", flat=True))
    context = dashboard_context(union=union, year=_year(request, years), user=user, now=timezone.now())
    context["years"] = years
    return render(request, "reports/dashboard.html", context)
