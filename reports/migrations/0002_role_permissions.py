from django.db import migrations

from accounts.roles import grant_permissions

ROLE_PERMISSIONS = {
    "caseworker": ["reports.add_exportjob", "reports.view_exportjob", "reports.add_importjob", "reports.view_importjob"],
    "approver": ["reports.add_exportjob", "reports.view_exportjob", "reports.view_exportlog", "reports.add_importjob",
                 "reports.view_importjob"],
    "leader": ["reports.add_exportjob", "reports.view_exportjob", "reports.view_exportlog"],
    "admin": ["reports.view_exportlog", "reports.view_exportjob", "reports.view_importjob"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("assessment", "0002_role_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
