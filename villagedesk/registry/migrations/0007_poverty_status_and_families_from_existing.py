"""Carry the registry forward: the poverty status from the household type and attribute, and
the couple and parent links from the relations to the head."""

from django.db import migrations

from villagedesk.registry.families import derive


def poverty_status_for(status: str, poverty_attribute: str) -> str:
    """The poverty status (贫困户状态) a household had, read from its type and attribute.

    A poor household is not yet out (0); an out-of-poverty household is out and enjoying
    policies (1). A monitored or ordinary household was registered poor once if it has a poverty
    attribute, and is then taken as out and enjoying policies; otherwise it never was (blank).
    """
    if status == "poor":
        return "not_out"
    if status == "exited" or poverty_attribute:
        return "out_enjoying"
    return ""


def forward(apps, schema_editor):
    Household = apps.get_model("registry", "Household")
    for status, poverty_attribute in (
        Household.objects.values_list("status", "poverty_attribute").distinct().order_by()
    ):
        Household.objects.filter(
            status=status, poverty_attribute=poverty_attribute, poverty_status=""
        ).update(poverty_status=poverty_status_for(status, poverty_attribute))
    derive(
        Household.objects.values_list("pk", flat=True),
        person_model=apps.get_model("registry", "Person"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_household_facts_families_supporters"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
