import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import Organization, User
from cases.choices import FILED_STATUSES, Category, Cause, FileStatus, FilingLevel, Origin
from cases.identity import normalize_id_number
from cases.models import Household, Member

LEFT_STATUSES = [FileStatus.EXITED, FileStatus.RELIEVED]


class FilterForm(BootstrapMixin, forms.Form):
    pass


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
    year = django_filters.NumberFilter(label=_("year opened"), field_name="current_file__opened_year")
    # The dashboard's drill-down links: files filed (approved) or closed in a year, and filed files only.
    activated_year = django_filters.NumberFilter(label=_("year filed"), field_name="current_file__activated_on__year")
    closed_year = django_filters.NumberFilter(label=_("year closed"), field_name="current_file__closed_on__year")
    filed = django_filters.BooleanFilter(label=_("Filed files only"), method="filed_only", widget=forms.CheckboxInput)
    left = django_filters.BooleanFilter(label=_("Exited or relieved"), method="left_out", widget=forms.CheckboxInput)

    class Meta:
        model = Household
        fields = []
        form = FilterForm

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["union"].queryset = Organization.objects.visible_to(user)
        self.filters["contact"].queryset = User.objects.visible_to(user).filter(groups__name="caseworker")

    def in_union(self, queryset, name, union):
        return queryset.filter(org_path__startswith=union.path)

    def filed_only(self, queryset, name, value):
        return queryset.filter(current_file__status__in=FILED_STATUSES) if value else queryset

    def left_out(self, queryset, name, value):
        return queryset.filter(current_file__status__in=LEFT_STATUSES) if value else queryset

    def visit_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(current_file__next_visit_due__lt=timezone.localdate())

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        members = Member.objects.filter(household=OuterRef("pk"), is_active=True)
        matching = members.filter(Q(name__contains=value) | Q(id_number=normalize_id_number(value)) | Q(phone=value))
        return queryset.filter(Q(code=value.upper()) | Q(address__contains=value) | Exists(matching))
