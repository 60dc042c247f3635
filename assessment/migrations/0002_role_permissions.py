from django.db import migrations

from accounts.roles import grant_permissions

MODELS = ["assessmentrun", "householdassessment", "annualsummary", "alert"]

ROLE_PERMISSIONS = {
    "caseworker": [f"assessment.view_{model}" for model in MODELS] + ["assessment.change_alert"],
    "approver": [f"assessment.view_{model}" for model in MODELS] + ["assessment.add_assessmentrun"],
    "leader": [f"assessment.view_{model}" for model in MODELS] + ["assessment.add_assessmentrun"],
    "admin": [f"assessment.view_{model}" for model in MODELS],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial"), ("programs", "0002_role_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
