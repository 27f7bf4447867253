"""Length caps on free-text fields (config/limits.py, docs/limits.md).

State only: a TextField's column is `text` whatever its max_length (PostgreSQL has nothing to
do), and SQLite would otherwise rebuild each table for no change. The caps are enforced by the
application: model forms, the admin, the API's serializers and full_clean()."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="checklist",
                    name="description",
                    field=models.TextField(
                        blank=True, max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
                migrations.AlterField(
                    model_name="criterion",
                    name="description",
                    field=models.TextField(
                        blank=True, max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="guidance",
                    field=models.TextField(
                        blank=True,
                        help_text="What the auditor should ask for and look at.",
                        max_length=20000,
                        validators=[django.core.validators.MaxLengthValidator(20000)],
                    ),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="text",
                    field=models.TextField(
                        max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
            ],
        ),
    ]
