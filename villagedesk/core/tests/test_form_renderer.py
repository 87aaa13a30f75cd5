"""The form renderer writes a plain select as Django's templates do, only faster."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from villagedesk.core.forms import FormRenderer

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"


def between_tags(html: str) -> str:
    """The HTML with the layout whitespace between tags taken out."""
    return re.sub(r">\s+<", "><", html.strip())


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "All"), ("530128100001", "大河村"), ("2", HOSTILE)])
    numbers = forms.TypedChoiceField(choices=[(10, 10), (25, 25)], coerce=int, required=False)
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    lazy = forms.ChoiceField(choices=[("y", gettext_lazy("Yes")), ("n", mark_safe("<b>No</b>"))])
    yes_no = forms.NullBooleanField()
    grouped = forms.ChoiceField(choices=[("Group <1>", [("1", "One"), ("2", "Two")]), ("3", "3")])
    model_like = forms.ChoiceField(
        choices=[(HOSTILE, "value hostile")],
        widget=forms.Select(
            attrs={"data-on": True, "data-off": False, "data-none": None, "x": HOSTILE}
        ),
    )


FILLED = {"plain": "2", "numbers": "25", "several": ["a", "c"], "lazy": "n", "yes_no": "true"}


@pytest.mark.parametrize("data", [None, FILLED, {"plain": HOSTILE, "several": ["zz"]}])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_select_is_what_the_templates_write(data, language):
    with translation.override(language):
        fast = Choices(data, renderer=FormRenderer())
        slow = Choices(data, renderer=DjangoTemplates())
        for name in Choices.base_fields:
            assert between_tags(str(fast[name])) == between_tags(str(slow[name])), name


def test_the_select_is_written_without_a_template_per_option(monkeypatch):
    rendered = []
    original = DjangoTemplates.render

    def counting(self, template_name, context, request=None):
        rendered.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", counting)
    form = Choices(renderer=FormRenderer())
    html = str(form["plain"])
    assert rendered == []
    assert "&lt;script&gt;" in html and "<script>" not in html
    str(form["grouped"])
    assert rendered == ["django/forms/widgets/select.html"]


def test_the_project_renders_forms_with_it():
    assert isinstance(Choices().renderer, FormRenderer)
