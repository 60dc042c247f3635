import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import FilterForm
from accounts.models import Organization, User
from accounts.querystring import YEARS
from assessment.summaries import COUNTED_FILES
from cases.choices import FILED_STATUSES, Category, Cause, FileStatus, FilingLevel, Origin
from cases.identity import normalize_id_number, normalize_phone
from cases.models import HardshipFile, Household, Member

LEFT_STATUSES = [FileStatus.EXITED, FileStatus.RELIEVED]
FILE_FILTERS = ["activated_year", "closed_year", "left"]


class YearFilter(django_filters.NumberFilter):
    """A whole year within YEARS: anything else (-1, 2024.5, twenty digits) is a form error, never a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=YEARS.start, max_value=YEARS.stop - 1, **kwargs)

    def get_max_validator(self):
        return None  # max_value above is the bound


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    union = django_filters.ModelChoiceFilter(label=_("union"), queryset=Organization.objects.none(), method="in_union")
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=FileStatus.choices, field_name="current_file__status"
    )
    level = django_filters.ChoiceFilter(
        label=_("filing level"), choices=FilingLevel.choices, field_name="current_file__level"
    )
    category = django_filters.ChoiceFilter(
        label=_("hardship category"), choices=Category.choices, field_name="current_file__category"
    )
    cause = django_filters.TypedChoiceFilter(
        label=_("primary cause"), choices=Cause.choices, coerce=int, field_name="current_file__primary_cause"
    )
    origin = django_filters.ChoiceFilter(label=_("origin"), choices=Origin.choices, field_name="current_file__origin")
    overdue = django_filters.BooleanFilter(label=_("Visit overdue"), method="visit_overdue", widget=forms.CheckboxInput)
    contact = django_filters.ModelChoiceFilter(
        label=_("contact person"), queryset=User.objects.none(), field_name="current_file__contact_person"
    )
    year = YearFilter(label=_("year opened"), field_name="current_file__opened_year")
    # The dashboard's drill-down links: households with a file (any of theirs, not only the current one) filed
    # (approved) or closed in a year, or exited or relieved. Applied together, in `filter_queryset`, on ONE file.
    activated_year = YearFilter(label=_("year filed"), field_name="activated_on__year")
    closed_year = YearFilter(label=_("year closed"), field_name="closed_on__year")
    filed = django_filters.BooleanFilter(label=_("Filed files only"), method="filed_only", widget=forms.CheckboxInput)
    left = django_filters.BooleanFilter(label=_("Exited or relieved"), method="left_out", widget=forms.CheckboxInput)

    class Meta:
        model = Household
        fields = []
        form = FilterForm

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["union"].queryset = Organization.objects.visible_to(user)
        self.filters["contact"].queryset = User.objects.visible_to(user).filter(groups__name="caseworker")

    def in_union(self, queryset, name, union):
        return queryset.filter(org_path__startswith=union.path)

    def filed_only(self, queryset, name, value):
        return queryset.filter(current_file__status__in=FILED_STATUSES) if value else queryset

    def filter_queryset(self, queryset):
        """With a file filter, every file condition (and the status) must hold for one file of the household, so
        "filed in Y and exited in Y" is one file, counted as AnnualSummary counts files."""
        data = self.form.cleaned_data
        conditions = Q()
        if data.get("activated_year") is not None:
            conditions &= Q(activated_on__year=data["activated_year"])
        if data.get("closed_year") is not None:
            conditions &= Q(closed_on__year=data["closed_year"])
        if data.get("left"):
            conditions &= Q(status__in=LEFT_STATUSES)
        done = set(FILE_FILTERS)
        if conditions:
            if data.get("status"):
                conditions &= Q(status=data["status"])
                done.add("status")
            files = HardshipFile.objects.filter(COUNTED_FILES, conditions, household=OuterRef("pk"))
            queryset = queryset.filter(Exists(files))
        for name, value in data.items():
            if name not in done:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def left_out(self, queryset, name, value):  # applied in filter_queryset
        return queryset

    def visit_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(current_file__next_visit_due__lt=timezone.localdate())

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The matching members and addresses are found once, through their own indexes (trigrams on the name and
        # the address, the ID number, the phone), not re-checked for every household of the scope.
        # Both are kept to the user's scope, so a caseworker's street is searched, not the province.
        scope = "" if self.user.is_superuser else self.user.organization.path
        matching = Member.objects.filter(
            Q(name__contains=value) | Q(id_number=normalize_id_number(value)) | Q(phone=normalize_phone(value)),
            is_active=True, household__org_path__startswith=scope,
        ).values("household_id")  # fmt: skip
        by_address = Household.objects.filter(address__contains=value, org_path__startswith=scope).values("pk")
        return queryset.filter(Q(code=normalize_id_number(value)) | Q(pk__in=by_address) | Q(pk__in=matching))
