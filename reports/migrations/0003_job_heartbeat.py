from django.db import migrations, models


def heartbeat():
    return models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last sign of life")


class Migration(migrations.Migration):
    """Export and import jobs keep a heartbeat, so that a job which lost its worker is found (accounts.jobs)."""

    dependencies = [("reports", "0002_role_permissions")]

    operations = [
        migrations.AddField(model_name=model, name="heartbeat_at", field=heartbeat())
        for model in ("exportjob", "historicalexportjob", "importjob", "historicalimportjob")
    ]
