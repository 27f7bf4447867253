"""On PostgreSQL the database itself refuses to UPDATE or DELETE a qualification decision, as it
does for signatures and the audit trail: the approved supplier list's history is written once."""

from django.db import migrations

from audit.triggers import write_once

create, drop = write_once("vendors_qualificationdecision", "A qualification decision is written once")


class Migration(migrations.Migration):
    dependencies = [("vendors", "0003_qualification_decisions"), ("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(create, drop)]
