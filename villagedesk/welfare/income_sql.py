"""The view behind `HouseholdIncome`: each household's net income per year, the part of it
social assistance counts (`welfare.income`), and its size.

The view is not a migration: SQLite rebuilds a table for many schema changes (create a copy,
drop the table, rename the copy), and renaming fails while a view names the dropped table. So
`migrate` drops the view before it runs any migration and creates it again afterwards, from
the current code lists.
"""

from django.db import connections

from villagedesk.welfare.codes import COST_KINDS
from villagedesk.welfare.income import assistance_excluded_sql

VIEW = "welfare_householdincome"


def view_sql() -> str:
    costs = ", ".join(f"'{kind.value}'" for kind in sorted(COST_KINDS))
    return (
        f"CREATE VIEW {VIEW} AS "  # noqa: S608 (code-list values, not input)
        "SELECT inc.household_id * 10000 + inc.year AS id, inc.household_id, inc.year, "
        "inc.net_income, inc.assistance_income, COALESCE(s.size, 0) AS size FROM ("
        "SELECT household_id, year, "
        f"SUM(CASE WHEN kind IN ({costs}) THEN -amount ELSE amount END) AS net_income, "
        f"SUM(CASE WHEN {assistance_excluded_sql()} THEN 0 "
        f"WHEN kind IN ({costs}) THEN -amount ELSE amount END) AS assistance_income "
        "FROM welfare_incomeline GROUP BY household_id, year) inc "
        "LEFT JOIN (SELECT household_id, COUNT(*) AS size FROM registry_person "
        "GROUP BY household_id) s ON s.household_id = inc.household_id"
    )


def drop_view(using: str = "default", **kwargs) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")


def create_view(using: str = "default", **kwargs) -> None:
    """Create the view, once the tables it reads exist (a partial migrate may stop before)."""
    tables = set(connections[using].introspection.table_names())
    if not {"welfare_incomeline", "registry_person"} <= tables:
        return
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
        cursor.execute(view_sql())
