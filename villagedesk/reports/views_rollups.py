"""The supervisors' roll-ups: the areas one may roll up, a township's or county's villages side by
side with their trend, and the same table as a spreadsheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from villagedesk.audit import services as audit
from villagedesk.audit.watermark import table_xlsx_watermarked
from villagedesk.core.spreadsheets import download
from villagedesk.reports import rollups


@login_required
def rollup_index(request):
    areas = rollups.rollup_areas(user=request.user)
    if not areas:
        raise Http404
    return render(request, "reports/rollup_index.html", {"areas": areas})


# Seconds a table is kept: the figures are counted again at least once a day.
TABLE_KEPT = 24 * 3600


def table_key(*, area, stored, step, sort) -> str:
    computed_at = stored.computed_at.isoformat() if stored.computed_at else ""
    return f"rollup-table:{area.code}:{computed_at}:{step or ''}:{sort}:{get_language()}"


def villages_table(
    request, *, area, stored, sort: str, step: int | None
) -> tuple[str, rollups.Rollup | None]:
    """The villages' table, and the roll-up it was laid out from (None when it was kept): the
    same for everyone who rolls the area up until new figures are in, so kept per area, figures,
    step, order and language; the figures are read and laid out only when it is not kept yet."""
    table = cache.get(table_key(area=area, stored=stored, step=step, sort=sort))
    if table is not None:
        return table, None
    result = rollups.rollup(user=request.user, area=area, sort=sort, step=step)
    table = render_to_string(
        "reports/_rollup_table.html",
        {
            "area": area,
            "sort": sort,
            "step": step,
            "columns": result.columns,
            "rows": [
                {"village": row.village, "cells": [(c, row.cells[c.key]) for c in result.columns]}
                for row in result.rows
            ],
            "totals": [(c, result.totals[c.key]) for c in result.columns],
        },
        request=request,
    )
    cache.set(table_key(area=area, stored=result.stored, step=step, sort=sort), table, TABLE_KEPT)
    return table, result


@login_required
def rollup(request, code):
    area = rollups.rollup_area(user=request.user, code=code)
    sort = rollups.sort_of(request.GET.get("sort"))
    step = rollups.step_of(request.GET.get("step"))
    stored = rollups.rollup_state(user=request.user, area=area)
    table, result = villages_table(request, area=area, stored=stored, sort=sort, step=step)
    day = timezone.localdate()
    trend = rollups.trend(area=area, day=day)
    context = {
        "day": day,
        "stored": stored,
        "columns": rollups.columns(step),
        "table": table,
        "rollup": result,
        "area": area,
        "sort": sort,
        "step": step,
        "steps": rollups.STEPS,
        "townships": rollups.townships_under(user=request.user, area=area),
        "chart": {
            "months": trend.months,
            "series": [
                {"name": str(_("Visit coverage (%)")), "data": trend.coverage},
                {"name": str(_("Open problems")), "data": trend.open_problems},
                {"name": str(_("Gap-report lines")), "data": trend.gap_lines},
                {"name": str(_("Monitoring cases")), "data": trend.monitored},
            ],
        },
    }
    return render(request, "reports/rollup.html", context)


@login_required
def rollup_export(request, code):
    """The roll-up as the page shows it, in the order asked for. Villages' figures, no person:
    an audited export with a watermark all the same."""
    area = rollups.rollup_area(user=request.user, code=code)
    result = rollups.rollup(
        user=request.user,
        area=area,
        sort=rollups.sort_of(request.GET.get("sort")),
        step=rollups.step_of(request.GET.get("step")),
    )
    if not result.stored.computed:
        messages.info(
            request,
            _(
                "The figures of this area are being computed in the background: "
                "export them again in a moment."
            ),
        )
        return redirect("reports:rollup", code=area.code)
    header, rows = rollups.rollup_table(result)
    stamp = audit.export_stamp(user=request.user)
    content = table_xlsx_watermarked(header=header, rows=rows, stamp=stamp)
    audit.export_record(
        stamp=stamp,
        request=request,
        what="reports.rollup",
        area_code=area.code,
        file_format="xlsx",
        rows=len(rows),
        extra={"day": result.day.isoformat()},
    )
    return download(content, filename=f"rollup-{area.code}-{result.day.isoformat()}.xlsx")
