from django.db import migrations


def load(apps, schema_editor):
    from itou.marketplace.sectors import sectors_load

    sectors_load(apps.get_model("marketplace", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
