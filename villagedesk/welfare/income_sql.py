"""The views behind `HouseholdIncome` (each household's net income per year and the part of it
social assistance counts, `welfare.income`) and `HouseholdSize` (each household's members).

The members are a view of their own: a rule reads the income view once per calendar year of its
12 months, and members counted inside it would be grouped again for each year.

Both views carry the household's area code as a grouping column, and rules join them on it
(`area_code LIKE 'prefix%'` in the join's condition): a condition on a grouping column passes
through the GROUP BY, so the database groups only the lines and members of the area evaluated.
A village's figures read that village's households, never the county's. (Joined on the household
alone, PostgreSQL cannot push the village filter into the view and groups every line.)

The views are not migrations: SQLite rebuilds a table for many schema changes (create a copy,
drop the table, rename the copy), and renaming fails while a view names the dropped table. So
`migrate` drops the views before it runs any migration and creates them again afterwards, from
the current code lists.
"""

from django.db import connections

from villagedesk.welfare.codes import COST_KINDS
from villagedesk.welfare.income import assistance_excluded_sql

VIEW = "welfare_householdincome"
SIZE_VIEW = "welfare_householdsize"


def view_sql() -> str:
    costs = ", ".join(f"'{kind.value}'" for kind in sorted(COST_KINDS))
    return (
        f"CREATE VIEW {VIEW} AS "  # noqa: S608 (code-list values, not input)
        "SELECT line.household_id * 10000 + line.year AS id, line.household_id, line.year, "
        "household.area_code, "
        f"SUM(CASE WHEN kind IN ({costs}) THEN -amount ELSE amount END) AS net_income, "
        f"SUM(CASE WHEN {assistance_excluded_sql()} THEN 0 "
        f"WHEN kind IN ({costs}) THEN -amount ELSE amount END) AS assistance_income "
        "FROM welfare_incomeline line "
        "JOIN registry_household household ON household.id = line.household_id "
        "GROUP BY line.household_id, line.year, household.area_code"
    )


def size_view_sql() -> str:
    return (
        f"CREATE VIEW {SIZE_VIEW} AS "  # noqa: S608 (a constant name)
        "SELECT person.household_id, household.area_code, COUNT(*) AS size "
        "FROM registry_person person "
        "JOIN registry_household household ON household.id = person.household_id "
        "GROUP BY person.household_id, household.area_code"
    )


def drop_view(using: str = "default", **kwargs) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
        cursor.execute(f"DROP VIEW IF EXISTS {SIZE_VIEW}")


def create_view(using: str = "default", **kwargs) -> None:
    """Create the views, once the tables they read exist (a partial migrate may stop before)."""
    tables = set(connections[using].introspection.table_names())
    with connections[using].cursor() as cursor:
        for name, table, sql in (
            (VIEW, "welfare_incomeline", view_sql()),
            (SIZE_VIEW, "registry_person", size_view_sql()),
        ):
            if table in tables:
                cursor.execute(f"DROP VIEW IF EXISTS {name}")
                cursor.execute(sql)
