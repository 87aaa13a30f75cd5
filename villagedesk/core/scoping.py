"""Scoping by area code: a row carries the 12-digit code of its area, and a user sees the rows
whose code starts with one of the significant prefixes of their areas."""

from django.db import models
from django.db.models import Q


def prefix_match(prefixes, field: str = "area_code") -> Q:
    """A filter for codes starting with any of the prefixes (the caller handles no prefixes)."""
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


class ScopedQuerySet(models.QuerySet):
    area_field = "area_code"

    def within(self, prefixes):
        """Rows at or below any of the prefixes; none when there are none."""
        if not prefixes:
            return self.none()
        return self.filter(prefix_match(prefixes, self.area_field))
