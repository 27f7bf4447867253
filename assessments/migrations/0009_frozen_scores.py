"""The scores of an approval are frozen with it (docs/scoring.md, "Frozen scores"): a write-once
table (on PostgreSQL the database refuses UPDATE and DELETE, as for signatures), filled for the
assessments approved before, by the same scoring engine (assessments.evaluation.freeze_missing)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from audit.triggers import write_once

create_trigger, drop_trigger = write_once(
    "assessments_scoreatapproval", "The scores of an approval are written once"
)


def freeze_approved(apps, schema_editor):
    from assessments import evaluation

    evaluation.freeze_missing(apps.get_model)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0008_question_comments'),
        ('checklists', '0002_text_limits'),
        ('vendors', '0007_text_limits_of_new_fields'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScoreAtApproval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('signing_cycle', models.PositiveIntegerField(editable=False, help_text='The signing cycle of the approval these scores were frozen at.')),
                ('overall_score', models.DecimalField(blank=True, decimal_places=1, editable=False, max_digits=4, null=True)),
                ('risk_rating', models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High'), ('critical', 'Critical')], editable=False, max_length=8)),
                ('criterion_scores', models.JSONField(default=list, editable=False, help_text='The criterion scores in checklist order: [{"code", "title", "score", "answered", "total"}], as the score endpoint gives them.')),
                ('frozen_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scores_at_approval', to='assessments.assessment')),
            ],
            options={
                'verbose_name': 'score at approval',
                'verbose_name_plural': 'scores at approval',
                'ordering': ['assessment', 'signing_cycle'],
                'constraints': [models.UniqueConstraint(fields=('assessment', 'signing_cycle'), name='one_score_per_approval')],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RunPython(freeze_approved, migrations.RunPython.noop),
    ]
