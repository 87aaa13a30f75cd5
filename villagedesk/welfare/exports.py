"""The tables welfare's .xlsx downloads hold (a header and rows each), written through
`core.spreadsheets`, whose cells never start a formula."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.audit import services as audit
from villagedesk.audit.watermark import table_xlsx_watermarked
from villagedesk.core.masking import mask_phone
from villagedesk.registry.models import Person
from villagedesk.welfare import texts
from villagedesk.welfare.codes import GapKind
from villagedesk.welfare.figures import Stored
from villagedesk.welfare.selectors import GapLine, RollupRow


def gap_lines_table(lines: list[GapLine]) -> tuple[list[str], list[list]]:
    """A village's gap lines: which list, the household, the person, what fails, the check."""
    header = [
        _("gap"),
        _("village"),
        _("household number"),
        _("person"),
        _("conditions not met"),
        _("checked"),
    ]
    rows = [
        [
            GapKind(line.kind).label,
            line.household.village.name,
            line.household.number,
            line.person.name if line.person else "",
            texts.failing_summary(line.failing),
            line.check.reason if line.check else "",
        ]
        for line in lines
    ]
    return header, rows


def gap_rollup_table(
    rollup: list[RollupRow], *, stored: Stored | None = None
) -> tuple[list[str], list[list]]:
    """The roll-up over an area's villages: eligible and both gaps per village, and the rule
    version its households follow; read from stored figures, a last row says of when."""
    header = [
        _("village"),
        _("eligible"),
        str(GapKind.ELIGIBLE_NOT_ENROLLED.label),
        str(GapKind.ENROLLED_NOT_ELIGIBLE.label),
        _("rule version"),
    ]
    rows = [[r.area.name, r.eligible, r.not_enrolled, r.not_eligible, r.rule.label] for r in rollup]
    if stored is not None:
        at = timezone.localtime(stored.computed_at).strftime("%Y-%m-%d %H:%M")
        rows.append([_("Figures as of %(at)s.") % {"at": at}])
    return header, rows


def care_list_table(persons: list[Person], *, day: datetime.date) -> tuple[list[str], list[list]]:
    """A care list as the care list selector gives it (the helper's phone already shown as the
    user may see it)."""
    header = [
        _("village"),
        _("household number"),
        pgettext("person", "name"),
        _("age"),
        _("helper"),
        _("unit"),
        _("phone"),
        _("last visit"),
    ]
    rows = [
        [p.household.village.name, p.household.number, p.name, p.age_on(day)]
        + [p.helper_name, p.helper_unit, p.helper_phone, p.last_visit]
        for p in persons
    ]
    return header, rows


def care_list_export(
    *, by, request=None, persons, day, area, policy, full_numbers: bool, purpose: str
) -> bytes:
    """A care list as an audited, watermarked .xlsx. Helpers' phones are masked unless asked in
    full by a user who may export personal numbers over the area, with a purpose (refused
    with a ValidationError otherwise)."""
    purpose = (purpose or "").strip()
    if full_numbers:
        if not permissions.holds(by, Capability.EXPORT_PERSONAL_DATA, area.code):
            raise ValidationError(_("You may not export personal numbers in full for this area."))
        if not purpose:
            raise ValidationError(_("State the purpose of exporting personal numbers in full."))
    header, rows = care_list_table(persons, day=day)
    if not full_numbers:
        phone = header.index(_("phone"))
        for row in rows:
            row[phone] = mask_phone(row[phone] or "")
    stamp = audit.export_stamp(user=by)
    content = table_xlsx_watermarked(header=header, rows=rows, stamp=stamp)
    audit.export_record(
        stamp=stamp,
        request=request,
        what="welfare.care_list",
        area_code=area.code,
        file_format="xlsx",
        rows=len(rows),
        persons=len(rows),
        masked=not full_numbers,
        purpose=purpose if full_numbers else "",
        extra={"policy": policy.code},
    )
    return content


EVALUATION_HEADER = ["list", "household", "number", "village", "person", "name", "failing", "rule"]
EVALUATION_LISTS = ("eligible", "eligible_not_enrolled", "enrolled_not_eligible")


def evaluation_rows(policy: dict) -> list[list]:
    """One policy of `evaluation.area_evaluation` as rows: each list's households (or persons)
    with the conditions they fail and the rule version they were evaluated with, then the
    rule's error if it could not be evaluated."""
    rows = []
    for kind in EVALUATION_LISTS:
        for item in policy.get(kind, []):
            failing = "; ".join(f"{c['condition']} ({c['value']})" for c in item.get("failing", []))
            rows.append(
                [
                    kind,
                    item["household"],
                    item["number"],
                    item["village"],
                    item["person"] or "",
                    item.get("name", ""),
                    failing,
                    item["rule"],
                ]
            )
    if policy["error"]:
        rows.append([policy["error"]])
    return rows
