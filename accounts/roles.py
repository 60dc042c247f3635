"""The four roles of DOMAIN.md "The people". Each is a Django group of the same name holding its permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    APPROVER = "approver", _("Approver")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")


def grant_permissions(apps, role_permissions: dict[str, list[str]]) -> None:
    """For data migrations: give each role group the listed `app_label.codename` permissions.

    Permissions are normally created after migrations; creating them here lets a migration use them at once.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _created = group_model.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(permission_model.objects.get(content_type__app_label=app_label, codename=codename))
