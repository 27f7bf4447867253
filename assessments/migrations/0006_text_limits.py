"""Length caps on free-text fields (config/limits.py, docs/limits.md).

State only: a TextField's column is `text` whatever its max_length (PostgreSQL has nothing to
do), and SQLite would otherwise rebuild each table for no change. The caps are enforced by the
application: model forms, the admin, the API's serializers and full_clean()."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_action_verification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="answer",
                    name="comment",
                    field=models.TextField(
                        blank=True, max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
                migrations.AlterField(
                    model_name="answer",
                    name="na_justification",
                    field=models.TextField(
                        blank=True, max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
                migrations.AlterField(
                    model_name="assessment",
                    name="decision_justification",
                    field=models.TextField(
                        blank=True,
                        help_text="Required when the decision differs from the recommended one.",
                        max_length=20000,
                        validators=[django.core.validators.MaxLengthValidator(20000)],
                    ),
                ),
                migrations.AlterField(
                    model_name="assessment",
                    name="scope",
                    field=models.TextField(
                        blank=True,
                        help_text="Products, processes and areas covered.",
                        max_length=20000,
                        validators=[django.core.validators.MaxLengthValidator(20000)],
                    ),
                ),
                migrations.AlterField(
                    model_name="correctiveaction",
                    name="description",
                    field=models.TextField(
                        help_text="What must be corrected or prevented.",
                        max_length=20000,
                        validators=[django.core.validators.MaxLengthValidator(20000)],
                    ),
                ),
                migrations.AlterField(
                    model_name="correctiveaction",
                    name="root_cause",
                    field=models.TextField(
                        blank=True,
                        help_text="The vendor's root-cause analysis.",
                        max_length=20000,
                        validators=[django.core.validators.MaxLengthValidator(20000)],
                    ),
                ),
                migrations.AlterField(
                    model_name="correctiveaction",
                    name="vendor_action",
                    field=models.TextField(
                        blank=True,
                        help_text="The vendor's corrective and preventive action.",
                        max_length=20000,
                        validators=[django.core.validators.MaxLengthValidator(20000)],
                    ),
                ),
                migrations.AlterField(
                    model_name="correctiveaction",
                    name="verification",
                    field=models.TextField(
                        blank=True,
                        help_text="How effectiveness was verified.",
                        max_length=20000,
                        validators=[django.core.validators.MaxLengthValidator(20000)],
                    ),
                ),
                migrations.AlterField(
                    model_name="finding",
                    name="description",
                    field=models.TextField(
                        max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
                migrations.AlterField(
                    model_name="minorfindingsreview",
                    name="justification",
                    field=models.TextField(
                        blank=True, max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
            ],
        ),
    ]
