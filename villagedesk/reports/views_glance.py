"""The village at a glance: one page of a village's key figures and charts, printable on A4."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from villagedesk.fieldwork.selectors import month_bounds
from villagedesk.reports import glance as glances


@login_required
def village_glance(request, code):
    glance = glances.village_glance(user=request.user, code=code)
    since, until = month_bounds(glance.day)
    coverage_page = (
        reverse("fieldwork:coverage")
        + "?"
        + urlencode({"village": glance.village.code, "since": since, "until": until})
    )
    charts = glances.glance_charts(glance)
    charts["labels"] = {
        "male": _("Male"),
        "female": _("Female"),
        "visited": _("Households visited"),
        "percent": _("Share of households (%)"),
        "not_enrolled": _("Eligible, not enrolled"),
        "not_eligible": _("Enrolled, not eligible"),
        "open": pgettext("monitoring cases", "Open"),
        "eliminated": _("Risk eliminated"),
    }
    context = {
        "glance": glance,
        "charts": charts,
        "coverage_page": coverage_page,
        "gap_errors": [gap for gap in glance.gaps if gap.error],
    }
    return render(request, "reports/glance.html", context)
