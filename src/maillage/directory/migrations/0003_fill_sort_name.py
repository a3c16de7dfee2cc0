from django.db import migrations


def fill_sort_name(apps, schema_editor):
    from maillage.text import fold

    Structure = apps.get_model("directory", "Structure")
    for pk, name in Structure.objects.filter(sort_name="").values_list("pk", "name"):
        Structure.objects.filter(pk=pk).update(sort_name=fold(name)[:200])


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_sort_name_https_urls")]

    operations = [migrations.RunPython(fill_sort_name, migrations.RunPython.noop)]
