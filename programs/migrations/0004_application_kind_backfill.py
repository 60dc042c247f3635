from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_program_kind(apps, schema_editor):
    """Every application, and every history row of one, takes its program's kind."""
    program_model = apps.get_model("programs", "Program")
    kind = Subquery(program_model.objects.filter(pk=OuterRef("program_id")).values("kind")[:1])
    for name in ("AidApplication", "HistoricalAidApplication"):
        apps.get_model("programs", name).objects.filter(kind__isnull=True).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_application_kind")]

    operations = [migrations.RunPython(copy_program_kind, migrations.RunPython.noop)]
