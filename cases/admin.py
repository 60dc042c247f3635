"""The local standards (地方标准) of each union and year, managed in the admin by the union's administrators."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import ScopedAdminMixin
from cases.models import LocalStandard


@admin.register(LocalStandard)
class LocalStandardAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "union", "year", "dibao_line", "minimum_wage", "relative_multiple", "visit_interval_months",
        "notice_working_days", "follow_up_months", "exit_months",
    ]  # fmt: skip
    list_filter = ["year"]
    search_fields = ["organization__name", "organization__code"]
    list_select_related = ["organization"]
    fieldsets = [
        (None, {"fields": ["organization", "year"]}),
        (_("Lines"), {"fields": ["dibao_line", "minimum_wage", "relative_multiple"]}),
        (_("Working age"), {"fields": ["working_age_from", "working_age_to"]}),
        (
            _("Time limits"),
            {
                "fields": [
                    "visit_interval_months",
                    "notice_working_days",
                    "notice_grace_days",
                    "follow_up_months",
                    "exit_months",
                ]
            },
        ),
    ]

    def scope_queryset(self, request, queryset):
        # The standards stored by the unions above are read on the change list, but only the own subtree manages them.
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization__path__startswith=request.user.organization.path)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "inherited_standards": self.inherited_standards(request)}
        return super().changelist_view(request, extra_context)

    def inherited_standards(self, request):
        """The standards of the unions above the administrator's own, which apply below where none is set."""
        if request.user.is_superuser:
            return LocalStandard.objects.none()
        above = [path for path in request.user.organization.ancestor_paths() if path != request.user.organization.path]
        return LocalStandard.objects.filter(organization__path__in=above).select_related("organization")

    @admin.display(description=_("union"), ordering="organization__path")
    def union(self, obj):
        return obj.organization.name
