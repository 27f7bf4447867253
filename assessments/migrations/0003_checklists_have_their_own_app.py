"""Checklists, criteria and questions now belong to the checklists app. Their tables stay as
they are (no data moves): the migration state follows the models, and the content types of the
three models are renamed so that audit-trail entries and permissions keep pointing at them."""
import django.db.models.deletion
from django.db import migrations, models


def rename_content_types(apps, schema_editor, source="assessments", target="checklists"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, source="checklists", target="assessments")


MOVED = ("checklist", "criterion", "question")


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0002_signatures_are_write_once'),
        ('checklists', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='assessment',
            name='checklist',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='checklists.checklist'),
        ),
        migrations.RemoveField(
            model_name='question',
            name='checklist',
        ),
        migrations.RemoveField(
            model_name='criterion',
            name='checklist',
        ),
        migrations.AlterField(
            model_name='finding',
            name='criterion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checklists.criterion'),
        ),
        migrations.AlterField(
            model_name='minorfindingsreview',
            name='criterion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checklists.criterion'),
        ),
        migrations.RemoveField(
            model_name='question',
            name='criterion',
        ),
        migrations.AlterField(
            model_name='answer',
            name='question',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checklists.question'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='question',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='checklists.question'),
        ),
        migrations.DeleteModel(
            name='Checklist',
        ),
        migrations.DeleteModel(
            name='Criterion',
        ),
        migrations.DeleteModel(
            name='Question',
        ),
    ]


    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
