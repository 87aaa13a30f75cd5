"""The form that asks for a report: which one, of what, for which month or quarter."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.fieldwork.selectors import month_bounds
from villagedesk.reports.models import ReportKind

# The quarters offered: this one and the seven before it.
QUARTERS_SHOWN = 8


def quarter_choices(today: datetime.date) -> list[tuple[str, str]]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _n in range(QUARTERS_SHOWN):
        choices.append((f"{year}-Q{quarter}", f"{year} Q{quarter}"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return choices


def quarter_bounds(value: str) -> tuple[datetime.date, datetime.date]:
    year, quarter = int(value[:4]), int(value[-1])
    first = datetime.date(year, 3 * quarter - 2, 1)
    return first, month_bounds(datetime.date(year, 3 * quarter, 1))[1]


class ReportForm(SavedOnceForm, forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}),
        help_text=_("For a monthly report or work record."),
    )
    quarter = forms.ChoiceField(
        label=_("Quarter"), required=False, help_text=_("For a quarterly report.")
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    township = forms.ChoiceField(label=_("Township"), required=False)
    member = forms.ChoiceField(label=_("Team member"), required=False)

    def __init__(self, *args, villages, townships, members, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["quarter"].choices = quarter_choices(today)
        self.fields["village"].choices = [("", "—")] + [(v.code, v.display_name) for v in villages]
        self.fields["township"].choices = [("", "—")] + [
            (t.code, t.display_name) for t in townships
        ]
        self.fields["member"].choices = [("", "—")] + [
            (f"{a.user_id}-{a.area.code}", f"{a.user} · {a.area.display_name}") for a in members
        ]
        self.members = {f"{a.user_id}-{a.area.code}": a for a in members}

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            month = datetime.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise forms.ValidationError(
                _("Give the month as year and month, e.g. 2026-01.")
            ) from None
        if month > timezone.localdate():
            raise forms.ValidationError(_("A report covers a month that has begun."))
        return month

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        needed = {
            ReportKind.MEMBER_MONTH: ("month", "member"),
            ReportKind.VILLAGE_MONTH: ("month", "village"),
            ReportKind.VILLAGE_QUARTER: ("quarter", "village"),
            ReportKind.TOWNSHIP_MONTH: ("month", "township"),
        }.get(kind, ())
        for name in needed:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("This report needs this field."))
        if self.errors or not kind:
            return data
        if kind == ReportKind.VILLAGE_QUARTER:
            data["since"], data["until"] = quarter_bounds(data["quarter"])
        else:
            data["since"], data["until"] = month_bounds(data["month"])
        return data

    def request_arguments(self, *, villages, townships) -> dict:
        """What `services.report_request` is asked, from the cleaned form."""
        data = self.cleaned_data
        kind = ReportKind(data["kind"])
        arguments = {"kind": kind, "since": data["since"], "until": data["until"]}
        if kind == ReportKind.MEMBER_MONTH:
            assignment = self.members[data["member"]]
            arguments.update(area=assignment.area, member=assignment.user)
        elif kind == ReportKind.TOWNSHIP_MONTH:
            arguments["area"] = townships.get(code=data["township"])
        else:
            arguments["area"] = villages.get(code=data["village"])
        return arguments
