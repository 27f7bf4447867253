"""The narrative of the report (its executive summary): objectives, method, people met, documents
reviewed and the lead auditor's conclusion, written by the audit team (assessments/planning.py)."""


import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0012_review_returns'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessment',
            name='conclusion',
            field=models.TextField(blank=True, help_text="The lead auditor's conclusion.", max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]),
        ),
        migrations.AddField(
            model_name='assessment',
            name='documents_reviewed',
            field=models.TextField(blank=True, help_text="The vendor's documents and records reviewed.", max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]),
        ),
        migrations.AddField(
            model_name='assessment',
            name='method',
            field=models.TextField(blank=True, help_text='How it was done: on site or remotely, areas toured, records sampled, interviews.', max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]),
        ),
        migrations.AddField(
            model_name='assessment',
            name='objectives',
            field=models.TextField(blank=True, help_text='What the audit set out to establish.', max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]),
        ),
        migrations.AddField(
            model_name='assessment',
            name='people_met',
            field=models.TextField(blank=True, help_text="The vendor's people met, with their roles.", max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]),
        ),
    ]
