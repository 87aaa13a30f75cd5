"""Whole-area evaluation for the `evaluate_policies` command: per policy, who is eligible and
both gap lists, as plain data ready for JSON or a workbook (format in docs/welfare.md)."""

import datetime

from villagedesk.areas.models import Area
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.codes import GapKind, PolicyCategory
from villagedesk.welfare.income import IncomeBreakdown
from villagedesk.welfare.models import Policy
from villagedesk.welfare.rules import AreaRules, Explanation, RuleError, explain_rows
from villagedesk.welfare.selectors import gap_querysets, household_explanations, policy_compiled


def _subject_rows(queryset, compiled: AreaRules) -> list[dict]:
    """The rows as plain data, each with the rule version its area follows."""
    if compiled.subject == "person":
        rows = queryset.values("pk", "name", "household_id", "household__number", "area_code")
        return [
            {
                "household": r["household_id"],
                "number": r["household__number"],
                "village": r["area_code"],
                "person": r["pk"],
                "name": r["name"],
                "rule": compiled.part_for(r["area_code"]).name,
            }
            for r in rows
        ]
    rows = queryset.values("pk", "number", "area_code")
    return [
        {
            "household": r["pk"],
            "number": r["number"],
            "village": r["area_code"],
            "person": None,
            "rule": compiled.part_for(r["area_code"]).name,
        }
        for r in rows
    ]


def explanation_data(explanation: Explanation) -> dict:
    return {
        "eligible": explanation.eligible,
        "conditions": [
            {
                "path": line.path,
                "condition": line.text,
                "value": line.value,
                "standard": line.expected,
                "outcome": {True: "pass", False: "fail", None: "unknown"}[line.outcome],
                "note": line.note,
            }
            for line in explanation.lines
        ],
    }


def policy_evaluation(*, policy: Policy, area: Area, day: datetime.date) -> dict:
    """One policy over the area: eligible, eligible not enrolled, enrolled not eligible (with
    the conditions each fails)."""
    result = {
        "code": policy.code,
        "name_zh": policy.name_zh,
        "name_en": policy.name_en,
        "benefit_unit": policy.benefit_unit,
    }
    try:
        compiled = policy_compiled(policy=policy, area=area, day=day)
    except RuleError as error:
        return {**result, "error": str(error)}
    sets = gap_querysets(compiled=compiled, policy=policy, day=day)
    if policy.category == PolicyCategory.CARE:
        # A care list has no enrolments: its persons are the whole answer.
        return {
            **result,
            "rule": compiled.name,
            "error": None,
            "eligible": _subject_rows(sets["eligible"], compiled),
        }
    wrong = _subject_rows(sets[GapKind.ENROLLED_NOT_ELIGIBLE], compiled)
    explanations = explain_rows(compiled, sets[GapKind.ENROLLED_NOT_ELIGIBLE])
    for row in wrong:
        explanation = explanations[row["person"] or row["household"]]
        row["failing"] = [
            c
            for c in explanation_data(explanation)["conditions"]
            if c["outcome"] != "pass" and c["value"]
        ]
    return {
        **result,
        "rule": compiled.name,
        "error": None,
        "eligible": _subject_rows(sets["eligible"], compiled),
        "eligible_not_enrolled": _subject_rows(sets[GapKind.ELIGIBLE_NOT_ENROLLED], compiled),
        "enrolled_not_eligible": wrong,
    }


def area_evaluation(*, area: Area, day: datetime.date, codes: list[str] | None = None) -> dict:
    policies = Policy.objects.all()
    if codes:
        policies = policies.filter(code__in=codes)
    return {
        "area": {"code": area.code, "name": area.name},
        "day": day.isoformat(),
        "policies": [policy_evaluation(policy=p, area=area, day=day) for p in policies],
    }


def income_data(breakdown: IncomeBreakdown) -> dict:
    """The income a policy counted for the household over the 12 months before the day: each
    year's share of the window, the lines counted and those left out (with the year and the
    reason), and the figure compared."""

    def item(year, i):
        return {"year": year, "kind": i.kind, "label": i.label, "amount": str(i.amount)}

    def shown(amount):
        return None if amount is None else str(amount)

    return {
        "basis": breakdown.basis,
        "from": breakdown.window.start.isoformat(),
        "to": breakdown.window.last.isoformat(),
        "members": breakdown.size,
        "years": [
            {
                "year": y.year,
                "days": y.days,
                "recorded": y.recorded,
                "counted_net": str(y.counted_net) if y.recorded else None,
            }
            for y in breakdown.years
        ],
        "counted": [item(y.year, i) for y in breakdown.years for i in y.counted],
        "excluded": [
            {**item(y.year, i), "reason": i.reason} for y in breakdown.years for i in y.excluded
        ],
        "counted_net": shown(breakdown.counted_net),
        "per_capita": shown(breakdown.per_capita),
    }


def household_evaluation(
    *, household: Household, day: datetime.date, codes: list[str] | None = None
) -> dict:
    results = household_explanations(user=None, household=household, day=day)
    return {
        "household": household.pk,
        "number": household.number,
        "village": household.area_code,
        "day": day.isoformat(),
        "policies": [
            {
                "code": r.policy.code,
                "person": r.subject.pk if isinstance(r.subject, Person) else None,
                "enrolled": r.enrolled,
                "error": r.error or None,
                "rule": r.explanation.rule if r.explanation else None,
                **(explanation_data(r.explanation) if r.explanation else {}),
                **({"income": income_data(r.income)} if r.income else {}),
            }
            for r in results
            if not codes or r.policy.code in codes
        ],
    }
