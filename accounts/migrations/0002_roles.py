"""The four role groups of DOMAIN.md "The people", with the account permissions each needs.

Later apps grant their own permissions to these groups in their own data migrations.
"""

from django.db import migrations

from accounts.roles import grant_permissions

ROLE_PERMISSIONS = {
    "caseworker": ["accounts.view_organization"],
    "approver": ["accounts.view_organization", "accounts.view_user"],
    "leader": ["accounts.view_organization", "accounts.view_user"],
    "admin": [
        "accounts.view_organization",
        "accounts.add_organization",
        "accounts.change_organization",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_historicalorganization",
        "accounts.view_historicaluser",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
    ],
}


def create_roles(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0009_add_session_hash"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
