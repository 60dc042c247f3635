from django.db import migrations, models

KINDS = [
    ("living", "Living aid"), ("critical_illness", "Critical illness relief"),
    ("golden_autumn", "Golden Autumn school grant"), ("temporary", "Temporary relief"), ("holiday", "Holiday visit"),
    ("medical_mutual", "Medical mutual aid"), ("employment", "Employment help"), ("legal", "Legal aid"),
]


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_application_kind_backfill")]

    operations = [
        migrations.AlterField(
            model_name="aidapplication",
            name="kind",
            field=models.CharField(choices=KINDS, editable=False, max_length=20, verbose_name="program kind"),
        ),
        migrations.AlterField(
            model_name="historicalaidapplication",
            name="kind",
            field=models.CharField(choices=KINDS, editable=False, max_length=20, verbose_name="program kind"),
        ),
        migrations.AddConstraint(
            model_name="aidapplication",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "holiday"), models.Q(("status__in", ["rejected", "cancelled"]), _negated=True)),
                fields=("household", "year"),
                name="application_one_holiday_visit_a_year",
            ),
        ),
    ]
