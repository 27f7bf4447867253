"""On PostgreSQL the database itself refuses to UPDATE or DELETE a signature row, as it does for
the audit trail: a signature is written once (21 CFR 11.70)."""
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION signature_is_write_once() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A signature is written once: %% on assessments_signature is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER assessments_signature_write_once
BEFORE UPDATE OR DELETE ON assessments_signature
FOR EACH ROW EXECUTE FUNCTION signature_is_write_once();
"""
DROP = """
DROP TRIGGER IF EXISTS assessments_signature_write_once ON assessments_signature;
DROP FUNCTION IF EXISTS signature_is_write_once();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
