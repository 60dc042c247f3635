from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.errors import DomainError
from accounts.menu import household_roles
from accounts.permissions import role_required
from accounts.roles import Role
from cases.filters import HouseholdFilter
from cases.forms import MEMBER_FIELDS, HouseholdForm, MemberFormSet
from cases.models import Household
from cases.selectors import household_named_exactly, household_page_context, households_for_list, may_see_sensitive
from cases.services.households import household_create, household_members_save, household_update

PAGE_SIZE = 25
QUERY_MAX = 100  # longer than any name, address, ID number or code


@login_required
def household_list(request):
    household_filter = HouseholdFilter(request.GET, queryset=households_for_list(request.user), user=request.user)
    page = Paginator(household_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/household_list.html",
        {"filter": household_filter, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
    )


@require_GET
@login_required
@role_required(*household_roles())
def quick_search(request):
    """The navigation bar's search: an exact household code or ID number opens that household, anything else the
    household list searched for it. Out of scope is not found: the list's search is scoped too."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    household = household_named_exactly(request.user, query)
    if household is not None:
        return redirect(household)
    url = reverse("cases:household_list")
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@login_required
def household_detail(request, pk):
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related("organization"), pk=pk)
    return render(request, "cases/household_detail.html", household_page_context(household, request.user))


def _member_values(formset):
    values = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        data = {name: form.cleaned_data[name] for name in MEMBER_FIELDS}
        if form.instance.pk:
            data["instance"] = form.instance
        values.append(data)
    return values


@login_required
@role_required(Role.CASEWORKER)
def household_create_view(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    formset = MemberFormSet(request.POST or None, instance=Household(), prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            household = household_create(
                organization=form.cleaned_data["organization"], by=request.user,
                fields=form.cleaned_data, members=_member_values(formset),
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Household registered."))
            return redirect(household)
    return render(request, "cases/household_form.html", {"form": form, "formset": formset, "creating": True})


@login_required
@role_required(Role.CASEWORKER)
def household_edit(request, pk):
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=pk)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    members = household.members.active()
    formset = MemberFormSet(request.POST or None, instance=household, queryset=members, prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        removed = [f.instance for f in formset.forms if f.cleaned_data.get("DELETE") and f.instance.pk]
        try:
            with transaction.atomic():
                household_update(household=household, by=request.user, fields=form.cleaned_data)
                household_members_save(
                    household=household, by=request.user, members=_member_values(formset), removed=removed
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Household saved."))
            return redirect(household)
    context = {"form": form, "formset": formset, "household": household, "creating": False}
    return render(request, "cases/household_form.html", context)


@login_required
def household_card(request, pk):
    """The printable card of 一户一码: the household code as a QR code and in letters."""
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related("organization"), pk=pk)
    qr_svg = segno.make(household.code, error="m").svg_inline(scale=6, dark="#000")
    head = household.members.active().filter(relation="head").first()
    return render(
        request,
        "cases/household_card.html",
        {"household": household, "qr_svg": qr_svg, "head": head, "show_sensitive": may_see_sensitive(request.user)},
    )
