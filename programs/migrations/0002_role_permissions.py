from django.db import migrations

from accounts.roles import grant_permissions

CONFIG = ["program", "budget", "fundingsource", "disease"]
WORK = ["aidapplication", "disbursement", "applicationevent", "applicationattachment", "applicationbatch"]

ROLE_PERMISSIONS = {
    "caseworker": [f"programs.view_{model}" for model in CONFIG + WORK]
    + ["programs.add_aidapplication", "programs.change_aidapplication", "programs.add_applicationattachment",
       "programs.add_disbursement"],
    "approver": [f"programs.view_{model}" for model in CONFIG + WORK]
    + ["programs.change_aidapplication", "programs.add_disbursement", "programs.add_applicationbatch"],
    "leader": [f"programs.view_{model}" for model in CONFIG + WORK],
    "admin": [f"programs.{verb}_{model}" for model in CONFIG for verb in ("view", "add", "change")]
    + ["programs.view_approvaltier"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("cases", "0002_role_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
