"""Figures of a county's registry, counted once for each state of its data.

A supervisor's page that counts every household or person of a county (the home page's village
table, the county profile) would do it on every request, though the answer changes only when the
county's data does. Such figures are computed once per generation of the county's data
(`registry.changes`) and kept in the cache under it: a write moves the generation, and the next
request counts again. The generation is read before the data, so that a write in between leaves
the figures out of date, never wrongly up to date.

An area with few households is counted in the request instead (`few_households`): a village
team's figures would otherwise be counted over the whole county after each of its writes.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from villagedesk.registry.changes import counties_of, generations
from villagedesk.registry.models import Household

# An area with no more households than this is counted in the request (a few thousand
# households take tens of milliseconds).
INLINE_HOUSEHOLDS = 2_000
# How long kept figures stay in the cache. Every write moves its county's generation, and the
# figures of the generation before are never read again: without an expiry a shared cache
# (Redis, CACHE_URL) would hold every generation's for ever. Figures of the day are of no use
# the next day either.
KEPT_SECONDS = 24 * 60 * 60


def few_households(prefixes) -> bool:
    """Whether the areas of these prefixes hold few enough households to be counted in the
    request (one query, reading at most INLINE_HOUSEHOLDS + 1 keys)."""
    households = Household.objects.within(prefixes).order_by()[: INLINE_HOUSEHOLDS + 1]
    return households.count() <= INLINE_HOUSEHOLDS


def cached(key: str, compute: Callable[[], object]):
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, timeout=KEPT_SECONDS)
    return figures


def per_county(name: str, prefixes, compute: Callable[[str], dict]) -> dict:
    """`compute(county)` for each county of the prefixes, merged: a dict keyed by area code of
    the county's figures as its data is now. One query for the generations when every county's
    figures are in the cache."""
    counties = counties_of(prefixes)
    now = generations(counties)
    merged = {}
    for county in counties:
        key = f"registry-figures:{name}:{county}:{now[county]}"
        merged.update(cached(key, lambda county=county: compute(county)))
    return merged


def of_area(name: str, prefix: str, compute: Callable[[], object], *, day, language: str):
    """`compute()` for the area of the prefix as its counties' data is now, on the day, with
    its labels in the language. One query for the generations when it is in the cache."""
    counties = counties_of([prefix])
    now = generations(counties)
    state = ",".join(f"{county}.{now[county]}" for county in counties)
    digest = hashlib.sha256(state.encode()).hexdigest()[:32]
    return cached(f"registry-figures:{name}:{prefix}:{day}:{language}:{digest}", compute)
