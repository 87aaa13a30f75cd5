"""Texts welfare composes from what it found: the conditions a gap line fails (in the gap report's
export and in a problem referred to fieldwork), the title and description of that problem, and
the lines of a monitoring case's history."""

from django.utils.translation import gettext as _

from villagedesk.registry.models import Household, Person
from villagedesk.welfare.codes import GapKind, MeasureKind, Step
from villagedesk.welfare.models import MonitoredHousehold, Policy
from villagedesk.welfare.rules import ExplainLine, Explanation


def failing_lines(explanation: Explanation) -> list[ExplainLine]:
    """The conditions of an explanation worth stating as failing: those that do not pass and
    have a value to show."""
    return [line for line in explanation.lines if line.outcome is not True and line.value != ""]


def failing_summary(lines: list[ExplainLine]) -> str:
    """The failing conditions on one line: "condition (value); …"."""
    return "; ".join(f"{line.text} ({line.value})" for line in lines)


def failing_statements(lines: list[ExplainLine]) -> list[str]:
    """Each failing condition with its value and, where the rule has one, the standard."""
    return [
        (
            _("%(condition)s: %(value)s (standard %(standard)s)")
            if line.expected
            else "%(condition)s: %(value)s"
        )
        % {"condition": line.text, "value": line.value, "standard": line.expected}
        for line in lines
    ]


def referral_title(
    *, policy: Policy, kind: str, household: Household, person: Person | None
) -> str:
    """The title of a problem made from a gap line (at most 200 characters)."""
    who = f"{household.number}" + (f" {person.name}" if person else "")
    title = _("%(policy)s: %(gap)s (%(who)s)") % {
        "policy": policy.name,
        "gap": GapKind(kind).label,
        "who": who,
    }
    return title[:200]


def referral_description(*, policy: Policy, kind: str, failing: list[str]) -> str:
    """What the problem made from a gap line says: which list it is on and, for an enrolment
    that is not eligible, the conditions it does not meet."""
    if kind == GapKind.ENROLLED_NOT_ELIGIBLE:
        return _(
            "Gap report, %(policy)s: enrolled but not eligible. Conditions not met:\n%(failing)s"
        ) % {"policy": policy.name, "failing": "\n".join(f"- {f}" for f in failing)}
    return _("Gap report, %(policy)s: meets every condition but has no enrolment on record.") % {
        "policy": policy.name
    }


def _verb(history_type: str) -> str:
    """simple-history's record type as a verb."""
    return {"+": _("added"), "~": _("changed"), "-": _("withdrawn")}[history_type]


def case_history_entries(*, cases, steps, measures) -> list[dict]:
    """The history records of a case, its steps and its measures as lines of one list (when,
    who, what, detail), newest first."""
    entries = []
    for record in cases:
        changed = ""
        if record.history_type == "~" and record.prev_record:
            fields = record.diff_against(
                record.prev_record, excluded_fields=["version"]
            ).changed_fields
            changed = ", ".join(
                str(MonitoredHousehold._meta.get_field(f).verbose_name) for f in fields
            )
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _("Case %(verb)s") % {"verb": _verb(record.history_type)},
                "detail": changed,
            }
        )
    for record in steps:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _("Step %(verb)s") % {"verb": _verb(record.history_type)},
                "detail": f"{Step(record.step).label} {record.done_on:%Y-%m-%d}",
            }
        )
    for record in measures:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _("Measure %(verb)s") % {"verb": _verb(record.history_type)},
                "detail": f"{MeasureKind(record.kind).label} {record.started_on:%Y-%m-%d}",
            }
        )
    return sorted(entries, key=lambda e: e["when"], reverse=True)
