"""The checklist models, moved here from the assessments app with their tables: this migration
records them in the migration state only; the tables were created by assessments 0001."""
import checklists.models
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("assessments", "0002_signatures_are_write_once"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Checklist',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='Stable identifier shared by all versions, e.g. CGT-CDMO', max_length=40)),
                ('version', models.PositiveIntegerField(default=1)),
                ('name', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('retired', 'Retired')], db_index=True, default='draft', max_length=10)),
                ('scoring_settings', models.JSONField(default=checklists.models.default_scoring_settings, help_text='Rating thresholds and the requalification-interval matrix (domain brief §3).')),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('based_on', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checklists.checklist')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'assessments_checklist',
                'ordering': ['code', '-version'],
            },
        ),
        migrations.CreateModel(
            name='Criterion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='e.g. D', max_length=10)),
                ('title', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('weight', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('checklist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='checklists.checklist')),
            ],
            options={
                'verbose_name_plural': 'criteria',
                'db_table': 'assessments_criterion',
                'ordering': ['checklist', 'order', 'code'],
            },
        ),
        migrations.CreateModel(
            name='Question',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='e.g. D.3', max_length=16)),
                ('text', models.TextField()),
                ('guidance', models.TextField(blank=True, help_text='What the auditor should ask for and look at.')),
                ('reference', models.CharField(blank=True, help_text='The regulation or guidance it rests on.', max_length=500)),
                ('answer_type', models.CharField(choices=[('compliance', 'Compliance'), ('yes_no', 'Yes / no'), ('maturity', 'Maturity 0-4'), ('numeric', 'Number with limits'), ('text', 'Free text (not scored)')], default='compliance', max_length=12)),
                ('expected_answer', models.CharField(blank=True, choices=[('yes', 'Yes'), ('no', 'No')], help_text='Yes/no questions: which answer is compliant.', max_length=3)),
                ('min_value', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True)),
                ('max_value', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True)),
                ('unit', models.CharField(blank=True, max_length=40)),
                ('weight', models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('severity', models.PositiveSmallIntegerField(default=3, help_text='Harm to patient or product if this point fails (5 = worst).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('required', models.BooleanField(default=True)),
                ('evidence_required', models.BooleanField(default=False)),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('condition_question', models.CharField(blank=True, help_text='Show only when the question with this code ...', max_length=16)),
                ('condition_equals', models.CharField(blank=True, help_text='... has this answer.', max_length=40)),
                ('checklist', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='checklists.checklist')),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='checklists.criterion')),
            ],
            options={
                'db_table': 'assessments_question',
                'ordering': ['checklist', 'criterion__order', 'order', 'code'],
            },
        ),
        migrations.AddConstraint(
            model_name='checklist',
            constraint=models.UniqueConstraint(fields=('code', 'version'), name='unique_checklist_version'),
        ),
        migrations.AddConstraint(
            model_name='criterion',
            constraint=models.UniqueConstraint(fields=('checklist', 'code'), name='unique_criterion_code'),
        ),
        migrations.AddConstraint(
            model_name='question',
            constraint=models.UniqueConstraint(fields=('checklist', 'code'), name='unique_question_code'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
