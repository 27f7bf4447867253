"""Length caps on free-text fields (config/limits.py, docs/limits.md).

State only: a TextField's column is `text` whatever its max_length (PostgreSQL has nothing to
do), and SQLite would otherwise rebuild each table for no change. The caps are enforced by the
application: model forms, the admin, the API's serializers and full_clean()."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0005_carry_over_qualification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="industryevent",
                    name="detail",
                    field=models.TextField(max_length=500, validators=[django.core.validators.MaxLengthValidator(500)]),
                ),
                migrations.AlterField(
                    model_name="site",
                    name="address",
                    field=models.TextField(
                        blank=True, max_length=500, validators=[django.core.validators.MaxLengthValidator(500)]
                    ),
                ),
                migrations.AlterField(
                    model_name="site",
                    name="notes",
                    field=models.TextField(
                        blank=True, max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
                migrations.AlterField(
                    model_name="vendor",
                    name="description",
                    field=models.TextField(
                        blank=True, max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)]
                    ),
                ),
            ],
        ),
    ]
