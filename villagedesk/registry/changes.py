"""Generations of a county's data, for figures computed from it and stored elsewhere.

Every write of households and members, and of what other apps record about them and read in
their figures (income, spending, enrolments, monitoring cases, policies, rules, parameters, visits,
problems), calls `data_changed` inside its transaction: the generation of each county concerned
goes up by one. Figures stored with an older generation are out of date (`welfare.figures`). A
monitoring case's steps are read by no figure: the county decision, which makes the household a
monitored one, changes the figures through the household's own update. Its measures are read by
the monitoring overview's list of cases without a developmental measure, kept for a large area.
"""

from django.db.models import F

from villagedesk.areas.models import Area, Level
from villagedesk.registry.models import DataGeneration

COUNTY_DIGITS = 6


def counties_of(prefixes, *, everywhere: bool = False) -> list[str]:
    """The counties whose data is that of these area codes or prefixes (empty ones left out):
    a county's own, or every county of a wider area; every county when `everywhere`."""
    prefixes = [p for p in prefixes if p]
    counties = {p[:COUNTY_DIGITS] for p in prefixes if len(p) >= COUNTY_DIGITS}
    wider = [p for p in prefixes if len(p) < COUNTY_DIGITS]
    if wider or everywhere:
        areas = Area.objects.filter(level=Level.COUNTY)
        if not everywhere:
            areas = areas.within(wider)
        counties |= {code[:COUNTY_DIGITS] for code in areas.values_list("code", flat=True)}
    return sorted(counties)


def data_changed(prefixes=(), *, everywhere: bool = False) -> None:
    """The data of these areas (area codes or prefixes; of every area when `everywhere`)
    changed: call inside the writing transaction."""
    for county in counties_of(prefixes, everywhere=everywhere):
        generation = DataGeneration.objects.filter(county=county)
        if not generation.update(generation=F("generation") + 1):
            _row, created = DataGeneration.objects.get_or_create(
                county=county, defaults={"generation": 1}
            )
            if not created:  # created meanwhile by another writer
                generation.update(generation=F("generation") + 1)


def generations(counties) -> dict[str, int]:
    """The counties' generations now (0 for one never changed)."""
    rows = DataGeneration.objects.filter(county__in=list(counties))
    found = dict(rows.values_list("county", "generation"))
    return {county: found.get(county, 0) for county in counties}
