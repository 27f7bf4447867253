"""Corrective-action verification is a QA reviewer's signature: a signature may name the
corrective action it is of (only a "verified" one does, and it always does); the verification text
is written only with it. A finding classed lower than proposed keeps its written rationale."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0004_signature_content_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='finding',
            name='downgrade_rationale',
            field=models.TextField(blank=True, help_text="Why the finding is classed lower than the class proposed from the question's severity."),
        ),
        migrations.AddField(
            model_name='signature',
            name='corrective_action',
            field=models.ForeignKey(blank=True, help_text="The corrective action a “verified” signature is of; empty for the assessment's own signatures.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='assessments.correctiveaction'),
        ),
        migrations.AlterField(
            model_name='correctiveaction',
            name='verification',
            field=models.TextField(blank=True, editable=False, help_text="How effectiveness was verified; written only with the QA reviewer's verification signature."),
        ),
        migrations.AlterField(
            model_name='signature',
            name='content_version',
            field=models.PositiveSmallIntegerField(default=2, editable=False, help_text="The version of the canonical content the hash was computed with (assessments/record.py); for a “verified” signature, the version of the corrective action's content."),
        ),
        migrations.AlterField(
            model_name='signature',
            name='meaning',
            field=models.CharField(choices=[('performed', 'Performed (lead auditor)'), ('reviewed', 'Reviewed (QA reviewer)'), ('approved', 'Approved (QA reviewer)'), ('reopened', 'Reopened (QA reviewer or administrator)'), ('verified', 'Verified effective (QA reviewer)')], max_length=10),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('corrective_action__isnull', False), ('meaning', 'verified')), models.Q(models.Q(('meaning', 'verified'), _negated=True), ('corrective_action__isnull', True)), _connector='OR'), name='verified_signature_names_its_action'),
        ),
    ]
