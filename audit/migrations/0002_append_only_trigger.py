"""On PostgreSQL the database itself refuses to UPDATE or DELETE audit-trail rows."""
from django.db import migrations

from audit.triggers import write_once

create, drop = write_once("audit_auditentry", "The audit trail is append-only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
