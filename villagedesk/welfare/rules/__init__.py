"""The rule language of welfare and its compiler to one Django ORM query.

A rule is JSON, written by administrators and shipped with policies:

    {"all": [
      {"field": "status", "op": "in", "value": ["poor", "exited"]},
      {"field": "per_capita_income", "op": "<", "value": {"param": "dibao_standard"}},
      {"count": {"all": [{"field": "age", "op": ">=", "value": 16},
                         {"field": "labour", "op": "in", "value": ["ordinary", "skilled"]}]},
       "op": "=", "value": 0}
    ]}

Nodes: `all` / `any` (lists), `not` (one node), comparisons `{"field", "op", "value"}` with ops
= != < <= > >= in between empty not_empty, `count` of the household's members that meet a
condition (`{}` counts all) and `sum` of a member field over those that meet `where`, each compared
like a field. Values are literals or `{"param": NAME}`, a local figure resolved for the most
specific area above each household in the rule's year. Income fields read the 12 months before
the rule's day (`IncomeWindow`).

A rule selects households, or persons when its subject is the person (then household fields are
written `household.status` and `count` runs over the person's household).

Missing data never passes. Each comparison is SQL's three-valued logic: a value that is unknown
(NULL, a blank code that means "not recorded", an income with no lines in the 12 months before
the day, a count over members whose data is missing) makes the comparison unknown, `not` of
unknown is unknown, and only households whose whole rule is true are selected. `explain` reads
every comparison's value and outcome from the same expressions, so it cannot disagree with the
selection.
"""

from villagedesk.welfare.rules.compiler import (
    AreaRules,
    CompiledRule,
    Group,
    Leaf,
    compile_rule,
    selection,
)
from villagedesk.welfare.rules.dates import years_before
from villagedesk.welfare.rules.describe import describe, describe_value
from villagedesk.welfare.rules.explain import ExplainLine, Explanation, explain, explain_rows
from villagedesk.welfare.rules.language import (
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    Context,
    RuleError,
    field_catalogue,
)

__all__ = [
    "HOUSEHOLD_FIELDS",
    "PERSON_FIELDS",
    "AreaRules",
    "CompiledRule",
    "Context",
    "ExplainLine",
    "Explanation",
    "Group",
    "Leaf",
    "RuleError",
    "compile_rule",
    "describe",
    "describe_value",
    "explain",
    "explain_rows",
    "field_catalogue",
    "selection",
    "years_before",
]
