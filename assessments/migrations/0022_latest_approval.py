"""Each vendor's latest current approval, kept as approvals are made and reopened, so that the risk
matrix and its cells count stored rows instead of ranking every approval on each request; filled
from the approvals made before (assessments.evaluation.refresh_latest_approvals)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from assessments import evaluation

    evaluation.refresh_latest_approvals(get_model=apps.get_model)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0021_approved_newest_index'),
        ('vendors', '0012_printed_name_fits_a_full_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='LatestApproval',
            fields=[
                ('vendor', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='latest_approval', serialize=False, to='vendors.vendor')),
                ('approved_at', models.DateTimeField()),
                ('risk_rating', models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High'), ('critical', 'Critical')], db_index=True, max_length=8)),
                ('overall_score', models.DecimalField(blank=True, decimal_places=1, max_digits=4, null=True)),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessments.assessment')),
                ('score', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessments.scoreatapproval')),
            ],
            options={
                'verbose_name': 'latest approval',
                'verbose_name_plural': 'latest approvals',
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
