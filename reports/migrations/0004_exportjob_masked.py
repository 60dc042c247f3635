from django.db import migrations, models


class Migration(migrations.Migration):
    """An export job records whether its file was masked, for the log of each download."""

    dependencies = [("reports", "0003_job_heartbeat")]

    operations = [
        migrations.AddField(
            model_name=model,
            name="masked",
            field=models.BooleanField(default=True, verbose_name="sensitive data masked"),
        )
        for model in ("exportjob", "historicalexportjob")
    ]
