"""Trigram indexes on member names and household addresses for the household search (`LIKE '%…%'`), on PostgreSQL only: at 100,000
households a three-character name is found in under a millisecond instead of a 40 ms scan (docs/PERFORMANCE.md).
SQLite has no such index and needs none at the scale it is used for."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_name_trgm ON cases_member USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS household_address_trgm ON cases_household USING gin (address gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS member_name_trgm", "DROP INDEX IF EXISTS household_address_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_member_phone_index")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
