from django.contrib import admin

from accounts.admin_scope import ScopedAdminMixin
from reports.models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Who exported which personal data, when, and how much (PIPL): read only, for the union's administrators."""

    list_display = ["created_at", "user", "kind", "organization", "year", "rows", "via", "masked"]
    list_filter = ["kind", "via", "masked"]
    search_fields = ["user__username", "user__name", "organization__name"]
    list_select_related = ["user", "organization"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
