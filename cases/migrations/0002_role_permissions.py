from django.db import migrations

from accounts.roles import grant_permissions

CASE_MODELS = ["household", "member", "hardshipfile", "assistanceplan", "planmeasure", "visit", "incomeassessment"]

ROLE_PERMISSIONS = {
    "caseworker": [f"cases.{verb}_{model}" for model in CASE_MODELS for verb in ("view", "add", "change")]
    + ["cases.view_localstandard", "cases.add_visitattachment", "cases.view_visitattachment"],
    "approver": [f"cases.view_{model}" for model in CASE_MODELS]
    + ["cases.change_hardshipfile", "cases.view_localstandard", "cases.view_visitattachment"],
    "leader": [f"cases.view_{model}" for model in CASE_MODELS] + ["cases.view_localstandard"],
    "admin": ["cases.view_localstandard", "cases.add_localstandard", "cases.change_localstandard"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
