from django.contrib.admin.apps import AdminConfig
from django.core import checks


class BangfuAdminConfig(AdminConfig):
    """Django's admin on Bangfu's site, with a system check that fails for a ModelAdmin that declares no scope."""

    default_site = "accounts.admin_scope.BangfuAdminSite"

    def ready(self):
        from accounts.admin_scope import check_admin_scopes

        super().ready()
        checks.register(check_admin_scopes, checks.Tags.admin)
