from django.db import migrations


def revoke(apps, schema_editor):
    """Payment is an approver's duty: the caseworker group no longer holds the permission to add one."""
    group = apps.get_model("auth", "Group").objects.filter(name="caseworker").first()
    permission = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="programs", codename="add_disbursement"
    ).first()
    if group is not None and permission is not None:
        group.permissions.remove(permission)


def grant_back(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="caseworker").first()
    permission = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="programs", codename="add_disbursement"
    ).first()
    if group is not None and permission is not None:
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("programs", "0005_application_kind_required_one_holiday_visit_a_year")]

    operations = [migrations.RunPython(revoke, grant_back)]
