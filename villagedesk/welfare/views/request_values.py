"""Values a welfare page reads from its query string or form, checked."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date

from villagedesk.welfare.figures import day_of


def report_day(request) -> datetime.date:
    """The day a report is taken on: today in the current year, else the year's last day."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    return day_of(year)


def date_or_none(text) -> datetime.date | None:
    """A date typed as YYYY-MM-DD, or None when it is missing or no such day."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None
