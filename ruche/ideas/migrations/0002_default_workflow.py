"""The default workflow: submitted -> shortlisted -> under review -> approved / rejected / parked ->
implemented. Admins may change it (or add others) afterwards."""

from django.db import migrations


def create(apps, schema_editor):
    from ruche.ideas.workflow import create_default_workflow

    create_default_workflow(
        apps.get_model("ideas", "Workflow"), apps.get_model("ideas", "Stage"), apps.get_model("ideas", "Transition")
    )


def remove(apps, schema_editor):
    apps.get_model("ideas", "Workflow").objects.filter(is_default=True, campaigns__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
