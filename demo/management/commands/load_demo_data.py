"""Demo assessments for `make run`, so that a newcomer sees a living product: assessments in each
state (planned, in progress, returned, submitted, approved with findings) of cell-therapy CDMOs
from the reference data, on the built-in checklist CGT-CDMO v1. The data is demo/data/demo.yaml;
demo/builders.py makes the records through the product's own rule modules.

The records are fictitious: no such audit of these companies took place. Every demo assessment's
scope starts with "[demo]", and that is how the command knows it has run: a second run does
nothing. Nor does it add anything to a database that holds assessments of its own, since the demo
approvals would change real vendors' qualification status. Run `load_reference_data` and
`demo_accounts` first.
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment
from audit.context import acting
from demo import builders, dataset
from demo.builders import DEMO_MARK


class Command(BaseCommand):
    help = (
        "Add demo assessments in each state (planned, in progress, returned, submitted, approved with "
        "findings) so that the product shows data. Does nothing if they exist."
    )

    def handle(self, *args, **options):
        if self._nothing_to_do():
            return
        try:
            data = dataset.load()
        except dataset.DemoDataError as exc:
            raise CommandError(f"The demo data file is not valid: {exc}") from exc
        demo = builders.prepare(data, today=timezone.localdate())
        # Each step runs as its user (inner acting blocks); what runs on commit, the final reports
        # the approvals queue, is recorded as the demo-data command.
        with acting(label=builders.LABEL), transaction.atomic():
            assessments = builders.build(demo)
        self._summary(demo.checklist, assessments)

    def _nothing_to_do(self) -> bool:
        existing = Assessment.objects.filter(scope__startswith=DEMO_MARK).count()
        if existing:
            self.stdout.write(f"Demo data: {existing} demo assessments already exist; nothing to do.")
            return True
        real = Assessment.objects.exclude(scope__startswith=DEMO_MARK).count()
        if real:
            # Fictitious audits would change real vendors' qualification status: never mix them.
            self.stdout.write(f"Demo data: not added, the database already holds {real} assessments of its own.")
            return True
        return False

    def _summary(self, checklist, assessments):
        for a in assessments:
            a.refresh_from_db()  # sending the questionnaire started one after it was made
        by_status = Counter(a.get_status_display().lower() for a in assessments)
        counts = ", ".join(f"{n} {label}" for label, n in by_status.items())
        self.stdout.write(
            f"Demo data: {len(assessments)} assessments on {checklist.code} v{checklist.version} ({counts}); "
            f"fictitious records, scope marked {DEMO_MARK}."
        )
        for a in sorted(assessments, key=lambda a: a.pk):
            score = f"{a.overall_score}" if a.overall_score is not None else "-"
            extra = f", {a.get_decision_display().lower()}" if a.decision else ""
            self.stdout.write(
                f"  {a.reference} {a.vendor.name[:40]:<40} {a.get_status_display():<12} "
                f"score {score:>5} {a.risk_rating or '-'}{extra}"
            )
