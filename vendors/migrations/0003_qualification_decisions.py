"""The history of the approved supplier list: one row per decision (vendors/qualification.py)."""

import django.db.models.deletion
import django.utils.timezone
import vendors.choices
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vendors', '0002_vendor_risk_rating'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='vendor',
            name='next_requalification_due',
            field=models.DateField(blank=True, help_text='Set on approval of an assessment: approval date + interval.', null=True),
        ),
        migrations.AlterField(
            model_name='vendor',
            name='status',
            field=models.CharField(choices=[('prospective', 'Prospective'), ('approved', 'Approved'), ('conditionally_approved', 'Conditionally approved'), ('not_approved', 'Not approved'), ('under_review', 'Under review'), ('disqualified', 'Disqualified')], db_index=True, default=vendors.choices.QualificationStatus['PROSPECTIVE'], help_text='Set by decisions only: approval of an assessment, lifting, disqualification, reinstatement.', max_length=24, verbose_name='qualification status'),
        ),
        migrations.CreateModel(
            name='QualificationDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('assessment_decision', 'Decision of an approved assessment'), ('condition_lifted', 'Conditional approval lifted'), ('under_review', 'Deciding assessment reopened'), ('decision_withdrawn', 'Reopened deciding assessment cancelled'), ('disqualification', 'Disqualification'), ('reinstatement', 'Reinstatement'), ('carried_over', 'Status on record before decisions were kept')], max_length=24)),
                ('from_status', models.CharField(choices=[('prospective', 'Prospective'), ('approved', 'Approved'), ('conditionally_approved', 'Conditionally approved'), ('not_approved', 'Not approved'), ('under_review', 'Under review'), ('disqualified', 'Disqualified')], max_length=24)),
                ('to_status', models.CharField(choices=[('prospective', 'Prospective'), ('approved', 'Approved'), ('conditionally_approved', 'Conditionally approved'), ('not_approved', 'Not approved'), ('under_review', 'Under review'), ('disqualified', 'Disqualified')], max_length=24)),
                ('decided_status', models.CharField(choices=[('prospective', 'Prospective'), ('approved', 'Approved'), ('conditionally_approved', 'Conditionally approved'), ('not_approved', 'Not approved'), ('under_review', 'Under review'), ('disqualified', 'Disqualified')], max_length=24)),
                ('risk_rating', models.CharField(blank=True, choices=[('low', 'Low'), ('medium', 'Medium'), ('high', 'High'), ('critical', 'Critical')], max_length=8)),
                ('requalification_due', models.DateField(blank=True, null=True)),
                ('assessment_id', models.BigIntegerField(blank=True, null=True)),
                ('assessment_reference', models.CharField(blank=True, max_length=20)),
                ('reason', models.TextField()),
                ('printed_name', models.CharField(help_text="The decider's name at the time.", max_length=300)),
                ('decided_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('vendor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='qualification_decisions', to='vendors.vendor')),
            ],
            options={
                'ordering': ['vendor', '-decided_at', '-pk'],
                'get_latest_by': ['decided_at', 'pk'],
            },
        ),
    ]
