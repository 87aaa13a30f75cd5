import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from villagedesk.core import paging
from villagedesk.library.selectors import articles_by_step
from villagedesk.playbook import guide, selectors
from villagedesk.playbook.measures import measures_of

PAGE_SIZE = 50


@require_safe
@login_required
def index(request):
    """A user with one village goes straight to its playbook; others pick a village."""
    villages = selectors.village_list(user=request.user)
    page, pager = paging.numbered_page(request, villages, param="page", size=PAGE_SIZE)
    if page.paginator.count == 1:
        return redirect("playbook:village", code=page[0].code)
    return render(request, "playbook/index.html", {"page": page, "pager": pager})


def _guides(request, code):
    village = selectors.village_get(user=request.user, code=code)
    today = timezone.localdate()
    measures = measures_of([village.code], today=today)[village.code]
    return village, today, guide.guide_of(village.code, measures)


@require_safe
@login_required
def village(request, code):
    village, _today, guides = _guides(request, code)
    articles = articles_by_step(user=request.user, area_code=village.code)
    for g in guides:
        g.articles = articles.get(g.step.number, [])
    return render(request, "playbook/village.html", {"village": village, "guides": guides})


@require_safe
@login_required
def first_100_days(request, code):
    village, today, guides = _guides(request, code)
    arrival = guide.arrival_of(village, today=today)
    last_day = arrival + datetime.timedelta(days=guide.DAYS - 1) if arrival else None
    context = {
        "village": village,
        "arrival": arrival,
        "day": (today - arrival).days + 1 if arrival else None,
        "ended_on": last_day if last_day and last_day < today else None,
        "planned": guide.hundred_days(guides, arrival=arrival, today=today),
    }
    return render(request, "playbook/first_100_days.html", context)
