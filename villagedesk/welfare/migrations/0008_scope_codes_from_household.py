"""The scope codes of welfare rows are kept by the rows' scope-code field (from the household,
or for a parameter from its area) instead of each model's save(). The columns are unchanged
(varchar(12), indexed), so only Django's state changes: no table is rebuilt."""

import villagedesk.core.scoping
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0007_household_income_view"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="enrolment",
                    name="area_code",
                    field=villagedesk.core.scoping.ScopeCodeField(db_index=True, max_length=12),
                ),
                migrations.AlterField(
                    model_name="gapcheck",
                    name="area_code",
                    field=villagedesk.core.scoping.ScopeCodeField(db_index=True, max_length=12),
                ),
                migrations.AlterField(
                    model_name="gapreferral",
                    name="area_code",
                    field=villagedesk.core.scoping.ScopeCodeField(db_index=True, max_length=12),
                ),
                migrations.AlterField(
                    model_name="householdhelper",
                    name="area_code",
                    field=villagedesk.core.scoping.ScopeCodeField(db_index=True, max_length=12),
                ),
                migrations.AlterField(
                    model_name="monitoredhousehold",
                    name="area_code",
                    field=villagedesk.core.scoping.ScopeCodeField(db_index=True, max_length=12),
                ),
                migrations.AlterField(
                    model_name="parameter",
                    name="area_prefix",
                    field=villagedesk.core.scoping.ScopeCodeField(db_index=True, max_length=12),
                ),
            ],
        ),
    ]
