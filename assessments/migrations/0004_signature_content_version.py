"""Signatures record the version of the canonical content they cover: those already stored
were computed with version 1, new ones with version 2 (assessments/record.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_checklists_have_their_own_app'),
    ]

    operations = [
        migrations.AddField(
            model_name='signature',
            name='content_version',
            field=models.PositiveSmallIntegerField(default=1, editable=False),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='signature',
            name='content_version',
            field=models.PositiveSmallIntegerField(default=2, editable=False, help_text='The version of the canonical content the hash was computed with (assessments/record.py).'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='meaning',
            field=models.CharField(choices=[('performed', 'Performed (lead auditor)'), ('reviewed', 'Reviewed (QA reviewer)'), ('approved', 'Approved (QA reviewer)'), ('reopened', 'Reopened (QA reviewer or administrator)')], max_length=10),
        ),
    ]
