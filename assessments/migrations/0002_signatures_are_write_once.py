"""On PostgreSQL the database itself refuses to UPDATE or DELETE a signature row, as it does for
the audit trail: a signature is written once (21 CFR 11.70)."""
from django.db import migrations

from audit.triggers import write_once

create, drop = write_once("assessments_signature", "A signature is written once")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(create, drop)]
