from django.db import migrations, models


class Migration(migrations.Migration):
    """The run's progress time becomes the heartbeat that every background job keeps (accounts.jobs)."""

    dependencies = [("assessment", "0002_role_permissions")]

    operations = [
        migrations.RenameField("assessmentrun", "progressed_at", "heartbeat_at"),
        migrations.RenameField("historicalassessmentrun", "progressed_at", "heartbeat_at"),
        migrations.AlterField(
            model_name="assessmentrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last sign of life"),
        ),
        migrations.AlterField(
            model_name="historicalassessmentrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last sign of life"),
        ),
    ]
