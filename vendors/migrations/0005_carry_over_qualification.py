"""One "carried over" decision for every vendor already on the approved supplier list, so that
the history starts from what the list said and a later reinstatement or reopening knows which
assessment decided. Nothing of the vendor changes."""

from django.db import migrations
from django.utils import timezone

REASON = "Status on record when the approved supplier list began to keep its decisions."


def carry_over(apps, schema_editor):
    Vendor = apps.get_model("vendors", "Vendor")
    Assessment = apps.get_model("assessments", "Assessment")
    Decision = apps.get_model("vendors", "QualificationDecision")
    now = timezone.now()
    for vendor in Vendor.objects.exclude(status="prospective").order_by("pk"):
        latest = Assessment.objects.filter(vendor=vendor, status="approved").order_by("-approved_at", "-pk").first()
        if vendor.status == "disqualified":
            decided = latest.decision if latest is not None and latest.decision else "prospective"
        else:
            decided = vendor.status
        Decision.objects.create(
            vendor=vendor,
            event="carried_over",
            from_status=vendor.status,
            to_status=vendor.status,
            decided_status=decided,
            risk_rating=vendor.risk_rating,
            requalification_due=vendor.next_requalification_due,
            assessment_id=latest.pk if latest is not None else None,
            assessment_reference=f"ASM-{latest.pk:05d}" if latest is not None else "",
            reason=REASON,
            printed_name="system",
            decided_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0004_decisions_are_write_once"),
        ("assessments", "0003_checklists_have_their_own_app"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
