"""Dates for rules: ages are compared as birth-date bounds; income is read over the 12 months
before the evaluation day."""

import datetime
from dataclasses import dataclass


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class IncomeWindow:
    """The 12 months before the day: from the same day a year earlier up to the day before
    (民发〔2021〕57号 and the monitoring rules count "the income of the 12 months before").

    The window overlaps one or two calendar years: on 1 January it is exactly last year;
    otherwise last year's days from `start` and this year's up to the day before."""

    day: datetime.date

    @property
    def start(self) -> datetime.date:
        return years_before(self.day, 1)

    @property
    def last(self) -> datetime.date:
        return self.day - datetime.timedelta(days=1)

    @property
    def length(self) -> int:
        """How many days the window holds: 365 or 366."""
        return (self.day - self.start).days

    @property
    def days(self) -> dict[int, int]:
        """How many of the window's days fall in each calendar year, oldest year first; only
        years with at least one day."""
        start, end = self.start, self.day
        days = {}
        for year in range(start.year, end.year + 1):
            first = max(start, datetime.date(year, 1, 1))
            after = min(end, datetime.date(year + 1, 1, 1))
            if after > first:
                days[year] = (after - first).days
        return days

    def before(self) -> "IncomeWindow":
        """The 12 months before this window."""
        return IncomeWindow(self.start)
