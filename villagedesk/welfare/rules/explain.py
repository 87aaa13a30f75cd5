"""Explanations: every comparison with a row's own value and outcome, read from the query's own
expressions."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db.models import (
    Case,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.registry.models import Household, Person
from villagedesk.welfare.rules.compiler import AreaRules, CompiledRule, Leaf
from villagedesk.welfare.rules.describe import GROUP_TEXT, describe_value, leaf_text
from villagedesk.welfare.rules.language import (
    AGE,
    BOOL,
    CODE,
    HouseholdRef,
    RuleError,
    household_size,
)


@dataclass(frozen=True)
class ExplainLine:
    path: str
    depth: int
    text: str
    value: str
    expected: str
    outcome: bool | None  # True passes, False fails, None unknown (never passes)
    note: str = ""


@dataclass(frozen=True)
class Explanation:
    rule: str
    eligible: bool
    lines: list[ExplainLine]
    # Changes whenever any value the rule reads changes; gap checks hold only while it is equal.
    fingerprint: str = ""


def _kleene(node, outcomes: dict[str, bool | None]) -> bool | None:
    if isinstance(node, Leaf):
        return outcomes[node.path]
    values = [_kleene(child, outcomes) for child in node.children]
    if node.kind == "not":
        return None if values[0] is None else not values[0]
    if node.kind == "all":
        return False if False in values else (None if None in values else True)
    return True if True in values else (None if None in values else False)


def _shown(value, leaf: Leaf, day: datetime.date) -> str:
    if value is None:
        return ""
    if leaf.type == AGE:
        born = value
        return str(day.year - born.year - ((day.month, day.day) < (born.month, born.day)))
    if leaf.type == CODE and leaf.field and leaf.field.choices:
        return str(dict(leaf.field.choices.choices).get(value, value)) if value != "" else ""
    if leaf.type == BOOL:
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


def _unknown_note(compiled: CompiledRule, leaf: Leaf, value, row) -> str:
    """Why a comparison is unknown, so that the missing data can be found and recorded."""
    name = leaf.field.name if leaf.field else ""
    if name.endswith("per_capita_income") and row.get("size") == 0:
        return str(
            RuleError(
                _("the household has no members, so its per-capita income is undefined"),
                rule=compiled.name,
                part=leaf.path,
            )
        )
    if "income" in name and value is None:
        window = compiled.context.window
        dates = {"start": window.start.isoformat(), "end": window.last.isoformat()}
        if name.endswith("income_drop_percent"):
            return (
                _(
                    "needs income lines in the 12 months from %(start)s to %(end)s and a positive "
                    "income in the 12 months before them"
                )
                % dates
            )
        return _("no income lines recorded in the 12 months from %(start)s to %(end)s") % dates
    if name in {"count", "sum"}:
        return _("some members lack the data this condition needs")
    return _("not recorded")


def explain(compiled: CompiledRule, *, pk: int) -> Explanation:
    """Every comparison of the rule with this household's (or person's) own value and outcome.

    Values and outcomes come from the very expressions the selection filters on, so the
    explanation and the selection cannot disagree."""
    model = Person if compiled.subject == "person" else Household
    explanations = explain_rows(compiled, model.objects.filter(pk=pk))
    if pk not in explanations:
        raise model.DoesNotExist
    return explanations[pk]


def explain_rows(
    compiled: CompiledRule | AreaRules, rows: QuerySet, *, households: list[int] | None = None
) -> dict[int, Explanation]:
    """Explanations for every row of the queryset, read in one query (one per part of an
    area whose parts follow different rules, each row by its part's rule).

    `households`, the keys of the rows' households where the caller knows them, lets the
    database group those households' income lines alone (`joined`)."""
    if isinstance(compiled, AreaRules):
        if len(compiled.parts) == 1:
            return explain_rows(compiled.main, rows, households=households)
        return {
            pk: explanation
            for part in compiled.parts
            for pk, explanation in explain_rows(
                part, rows.filter(part.where()), households=households
            ).items()
        }
    outcome_field = IntegerField()
    annotations = {}
    for i, leaf in enumerate(compiled.leaves):
        annotations[f"v{i}"] = leaf.value
        if leaf.expected is not None:
            annotations[f"e{i}"] = leaf.expected
        annotations[f"o{i}"] = Case(
            When(leaf.condition, then=Value(1)),
            When(~leaf.condition, then=Value(0)),
            default=None,
            output_field=outcome_field,
        )
    needs_size = any(
        leaf.field and leaf.field.name.endswith("per_capita_income") for leaf in compiled.leaves
    )
    if needs_size:
        ref = (
            HouseholdRef("", "pk")
            if compiled.subject == "household"
            else HouseholdRef("household__", "household_id")
        )
        annotations["size"] = household_size(ref)
    return {
        row["pk"]: _explanation(compiled, row)
        for row in compiled.reading(rows, households)
        .annotate(**annotations)
        .values("pk", *annotations)
    }


def _explanation(compiled: CompiledRule, row: dict) -> Explanation:
    day = compiled.context.day if compiled.context else timezone.localdate()
    outcomes, leaf_lines = {}, {}
    for i, leaf in enumerate(compiled.leaves):
        outcome = None if row[f"o{i}"] is None else bool(row[f"o{i}"])
        outcomes[leaf.path] = outcome
        value = row[f"v{i}"]
        leaf_lines[leaf.path] = ExplainLine(
            path=leaf.path,
            depth=leaf.depth,
            text=leaf_text(leaf),
            value=_shown(value, leaf, day) if value is not None else "—",
            expected=_shown(row[f"e{i}"], leaf, day)
            if f"e{i}" in row
            else (
                ""
                if leaf.op in {"in", "empty", "not_empty"}
                else describe_value(leaf.raw, leaf.field)
            ),
            outcome=outcome,
            note=_unknown_note(compiled, leaf, value, row) if outcome is None else "",
        )
    lines: list[ExplainLine] = []

    def walk(node):
        if isinstance(node, Leaf):
            lines.append(leaf_lines[node.path])
            return
        lines.append(
            ExplainLine(
                path=node.path,
                depth=node.depth,
                text=_(GROUP_TEXT[node.kind]),
                value="",
                expected="",
                outcome=_kleene(node, outcomes),
            )
        )
        for child in node.children:
            walk(child)

    walk(compiled.tree)
    fingerprint = hashlib.sha256(
        json.dumps([str(row[key]) for key in sorted(row) if key != "pk"]).encode()
    ).hexdigest()
    return Explanation(compiled.name, _kleene(compiled.tree, outcomes) is True, lines, fingerprint)
