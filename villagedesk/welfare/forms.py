import json

from django import forms
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.welfare.codes import IncomeKind, RiskType, Step
from villagedesk.welfare.models import Enrolment, Measure, MonitoredHousehold, Policy


class EnrolmentForm(SavedOnceForm, forms.ModelForm):
    """An enrolment typed in; the household is chosen by village code and number."""

    village = forms.CharField(label=_("village code"), max_length=12)
    household_number = forms.CharField(label=_("household number"), max_length=30)
    id_number = forms.CharField(
        label=_("identity number of the person"),
        max_length=18,
        required=False,
        help_text=_("For benefits paid to a person."),
    )

    class Meta:
        model = Enrolment
        fields = ["policy", "starts_on", "ends_on", "amount", "support_mode"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = Policy.objects.exclude(category="care")


class EnrolmentImportForm(SavedOnceForm, forms.Form):
    policy = forms.ModelChoiceField(
        label=_("policy"), queryset=Policy.objects.exclude(category="care")
    )
    file = forms.FileField(
        label=_("list (.xlsx)"),
        help_text=_(
            "Columns: 身份证号 (identity number) or 村代码 and 户编号 (village code and household "
            "number); 开始日期, 结束日期, 金额."
        ),
    )


class GapCheckForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class GapReferForm(forms.Form):
    """A gap line to fieldwork: a problem, or a follow-up (a problem owned by the user, due on a
    date)."""

    follow_up = forms.BooleanField(required=False)
    due_on = forms.DateField(label=_("due date"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("follow_up") and not data.get("due_on"):
            self.add_error("due_on", _("A follow-up needs a due date."))
        return data


class RuleForm(SavedOnceForm, forms.Form):
    definition = forms.CharField(
        label=_("rule (JSON)"), widget=forms.Textarea(attrs={"rows": 16}), required=False
    )
    upload = forms.FileField(label=_("or import a rule file (.json)"), required=False)
    effective_from = forms.DateField(
        label=_("effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.ChoiceField(
        label=_("for"),
        required=False,
        help_text=_("A county's own version applies in its areas only."),
    )

    def __init__(self, *args, areas=(), keeps_default=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("the default, for every area without its own version"))]
        self.fields["area"].choices = (choices if keeps_default else []) + [
            (area.code, area.display_name) for area in areas
        ]

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        text = upload.read().decode("utf-8", "replace") if upload else data.get("definition")
        if not text:
            raise forms.ValidationError({"definition": _("Give a rule or a rule file.")})
        try:
            data["definition"] = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                {"definition": _("This is not valid JSON: %(error)s") % {"error": error}}
            ) from None
        return data


class MonitoredForm(SavedOnceForm, forms.ModelForm):
    village = forms.CharField(label=_("village code"), max_length=12)
    household_number = forms.CharField(label=_("household number"), max_length=30)
    risk_types = forms.MultipleChoiceField(
        label=_("risk types"), choices=RiskType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MonitoredHousehold
        fields = ["year", "category", "found_by", "first_lead_on", "consent_signed_on"]
        widgets = {
            "first_lead_on": forms.DateInput(attrs={"type": "date"}),
            "consent_signed_on": forms.DateInput(attrs={"type": "date"}),
        }


class MonitoredEditForm(SavedOnceForm, forms.ModelForm):
    risk_types = forms.MultipleChoiceField(
        label=_("risk types"), choices=RiskType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MonitoredHousehold
        fields = ["category", "found_by", "first_lead_on", "consent_signed_on"]
        widgets = {
            "first_lead_on": forms.DateInput(attrs={"type": "date"}),
            "consent_signed_on": forms.DateInput(attrs={"type": "date"}),
        }


class ParameterForm(SavedOnceForm, forms.Form):
    """A local figure for an area and year; the names offered are those the rules use."""

    name = forms.ChoiceField(label=_("parameter"))
    area = forms.ModelChoiceField(label=_("area"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("value"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("source"), max_length=200, required=False)

    def __init__(self, *args, areas, names: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas.order_by("code")
        self.fields["area"].label_from_instance = lambda area: area.display_name
        self.fields["name"].choices = list(names.items())


class StepForm(SavedOnceForm, forms.Form):
    step = forms.ChoiceField(label=_("step"), choices=Step.choices)
    done_on = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))


class MeasureForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["kind", "started_on", "note"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"})}


class HelperForm(SavedOnceForm, forms.Form):
    name = forms.CharField(label=_("helper"), max_length=50)
    unit = forms.CharField(label=_("unit"), max_length=100)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    starts_on = forms.DateField(
        label=_("helper from"), widget=forms.DateInput(attrs={"type": "date"})
    )


SPENDING_FIELD = "medical_out_of_pocket"


class IncomeForm(SavedOnceForm, forms.Form):
    """One amount per income kind; blank means not recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in IncomeKind:
            self.fields[kind.value] = forms.DecimalField(
                label=str(kind.label), required=False, min_value=0, max_digits=12, decimal_places=2
            )
        self.fields[SPENDING_FIELD] = forms.DecimalField(
            label=_("Out-of-pocket medical costs (compliant, yuan)"),
            help_text=_("Heavy necessary spending, screened for monitoring; not income."),
            required=False,
            min_value=0,
            max_digits=12,
            decimal_places=2,
        )
