"""The views behind `HouseholdIncome` (each household's net income per year and the part of it
social assistance counts, `welfare.income`) and `HouseholdSize` (each household's members).

The members are a view of their own: a rule reads the income view once per calendar year of its
12 months, and members counted inside it would be grouped again for each year.

On PostgreSQL both views carry the household's area code as a grouping column, and rules join
them on it (`area_code LIKE 'prefix%'` in the join's condition, `rules.compiler.AREA_JOINS`): a
condition on a grouping column passes through the GROUP BY, so the database groups only the lines
and members of the area evaluated. A village's figures read that village's households, never the
county's. (Joined on the household alone, PostgreSQL cannot push the village filter into the view
and groups every line.) SQLite groups the whole view for any join, and joining the households
inside the view would double its cost there: its views leave the area code NULL.

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


def area_grouping(vendor: str, rows: str) -> tuple[str, str, str]:
    """The area code column, the join that gives it and the grouping column, for a view over
    `rows` (an alias of a table with `household_id`)."""
    if vendor != "postgresql":
        return "NULL AS area_code", "", ""
    return (
        "household.area_code",
        f"JOIN registry_household household ON household.id = {rows}.household_id ",
        ", household.area_code",
    )


def view_sql(vendor: str = "postgresql") -> str:
    costs = ", ".join(f"'{kind.value}'" for kind in sorted(COST_KINDS))
    area, join, grouping = area_grouping(vendor, "line")
    return (
        f"CREATE VIEW {VIEW} AS "  # noqa: S608 (code-list values, not input)
        "SELECT line.household_id * 10000 + line.year AS id, line.household_id, line.year, "
        f"{area}, "
        f"SUM(CASE WHEN kind IN ({costs}) THEN -amount ELSE amount END) AS net_income, "
        f"SUM(CASE WHEN {assistance_excluded_sql()} THEN 0 "
        f"WHEN kind IN ({costs}) THEN -amount ELSE amount END) AS assistance_income "
        f"FROM welfare_incomeline line {join}"
        f"GROUP BY line.household_id, line.year{grouping}"
    )


def size_view_sql(vendor: str = "postgresql") -> str:
    area, join, grouping = area_grouping(vendor, "person")
    return (
        f"CREATE VIEW {SIZE_VIEW} AS "  # noqa: S608 (constant names)
        f"SELECT person.household_id, {area}, COUNT(*) AS size "
        f"FROM registry_person person {join}"
        f"GROUP BY person.household_id{grouping}"
    )


def drop_view(using: str = "default", **kwargs) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
        cursor.execute(f"DROP VIEW IF EXISTS {SIZE_VIEW}")


def create_view(using: str = "default", **kwargs) -> None:
    """Create the views, once the tables they read exist (a partial migrate may stop before)."""
    tables = set(connections[using].introspection.table_names())
    vendor = connections[using].vendor
    with connections[using].cursor() as cursor:
        for name, table, sql in (
            (VIEW, "welfare_incomeline", view_sql(vendor)),
            (SIZE_VIEW, "registry_person", size_view_sql(vendor)),
        ):
            if table in tables:
                cursor.execute(f"DROP VIEW IF EXISTS {name}")
                cursor.execute(sql)
