from django.db import migrations
from django.db.models import Count, OuterRef, Subquery

WITHOUT_AID = ["rejected", "cancelled"]


def copy_program_kind(apps, schema_editor):
    """Every application, and every history row of one, takes its program's kind."""
    program_model = apps.get_model("programs", "Program")
    kind = Subquery(program_model.objects.filter(pk=OuterRef("program_id")).values("kind")[:1])
    for name in ("AidApplication", "HistoricalAidApplication"):
        apps.get_model("programs", name).objects.filter(kind__isnull=True).update(kind=kind)
    # The next migration holds one holiday visit a household a year: duplicates that overlapping batches made are
    # decisions for people (reject one through the application page), not for a migration.
    duplicates = list(
        apps.get_model("programs", "AidApplication").objects.filter(kind="holiday").exclude(status__in=WITHOUT_AID)
        .values("household_id", "year").annotate(count=Count("id")).filter(count__gt=1)
        .values_list("household_id", "year")[:20]
    )
    if duplicates:
        raise RuntimeError(
            "Households with two holiday-visit applications in a year (household id, year): "
            f"{duplicates}. Reject or cancel one of each, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_application_kind")]

    operations = [migrations.RunPython(copy_program_kind, migrations.RunPython.noop)]
