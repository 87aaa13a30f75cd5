"""Long lists paged by keys, with a total that stays cheap however long the list.

A page is found from the key of the row before it (or after it, going back) through the index
of the list's order, never by skipping rows with OFFSET, which reads every skipped row: the last
page of a county's households costs what the first does. The total is counted exactly up to
COUNT_EXACT_UP_TO rows, which bounds the count's cost; past that it is the planner's estimate on
PostgreSQL, shown as "about", and elsewhere only "more than" the bound.
"""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from villagedesk.core.masking import query_masked
from villagedesk.core.planner import row_estimate

COUNT_EXACT_UP_TO = 10_000
# A key is the row's values of the order's two fields, as a JSON list of two strings.
KEY_LENGTH_MAX = 300


@dataclass(frozen=True)
class Total:
    count: int
    # "about": the planner's estimate; "more than": at least `count`; "": exact.
    kind: str = ""


def total(queryset: QuerySet) -> Total:
    """How many rows the query has: exact up to COUNT_EXACT_UP_TO, estimated past it."""
    bounded = queryset.order_by()[: COUNT_EXACT_UP_TO + 1].count()
    if bounded <= COUNT_EXACT_UP_TO:
        return Total(bounded)
    estimate = row_estimate(queryset.order_by())
    if estimate is None:
        return Total(COUNT_EXACT_UP_TO, "more than")
    return Total(max(estimate, bounded), "about")


@dataclass(frozen=True)
class KeyPage:
    object_list: list
    # Keys for the links: the last row's for the next page, the first row's for the previous.
    next_key: str | None
    previous_key: str | None

    @property
    def has_other_pages(self) -> bool:
        return self.next_key is not None or self.previous_key is not None


def key_of(row, fields: tuple[str, str]) -> str:
    return json.dumps([str(getattr(row, field)) for field in fields], ensure_ascii=False)


def key_parsed(text: str, queryset: QuerySet, fields: tuple[str, str]) -> tuple | None:
    """A key from a URL as the fields' values, or None when it is not one (a new page of the
    list starts instead)."""
    if not text or len(text) > KEY_LENGTH_MAX:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if not (isinstance(values, list) and len(values) == 2):
        return None
    if not all(isinstance(value, str) for value in values):
        return None
    try:
        return tuple(
            queryset.model._meta.get_field(field).to_python(value)
            for field, value in zip(fields, values, strict=True)
        )
    except ValidationError:
        return None


def key_page(
    queryset: QuerySet, *, fields: tuple[str, str], size: int, after: str = "", before: str = ""
) -> KeyPage:
    """One page of `queryset` in the order of `fields` (which together must be unique): the
    first page, the page after the row keyed `after`, or the page before the row keyed
    `before`."""
    first, second = fields
    if (key := key_parsed(before, queryset, fields)) is not None:
        earlier = Q(**{f"{first}__lt": key[0]}) | Q(**{first: key[0], f"{second}__lt": key[1]})
        rows = list(queryset.filter(earlier).order_by(f"-{first}", f"-{second}")[: size + 1])
        if rows:
            shown = rows[:size][::-1]
            return KeyPage(
                object_list=shown,
                next_key=key_of(shown[-1], fields),
                previous_key=key_of(shown[0], fields) if len(rows) > size else None,
            )
        after = ""
    key = key_parsed(after, queryset, fields)
    if key is not None:
        later = Q(**{f"{first}__gt": key[0]}) | Q(**{first: key[0], f"{second}__gt": key[1]})
        queryset = queryset.filter(later)
    rows = list(queryset.order_by(first, second)[: size + 1])
    shown = rows[:size]
    return KeyPage(
        object_list=shown,
        next_key=key_of(shown[-1], fields) if len(rows) > size else None,
        previous_key=key_of(shown[0], fields) if key is not None and shown else None,
    )


@dataclass(frozen=True)
class Pager:
    """How a page's links name their list: the query parameter of its page number, the rest of
    the query string (filters and the other lists' pages) and the anchor of the list."""

    param: str
    query: str
    anchor: str


def numbered_page(
    request, items, *, param: str, size: int, anchor: str = "", count: int | None = None
):
    """One page of `items` (a list, or a query: then a count and the page's rows) by the page
    number in the request's `param`, with the pager its links are written from, which keeps
    every other parameter of the query string (a search as the page shows it back). Several
    lists of one page each name their own parameter. A `count` known already (kept for the
    data as it is) spares counting the query."""
    query = query_masked(request.GET)
    query.pop(param, None)
    paginator = Paginator(items, size)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get(param))
    return page, Pager(param=param, query=query.urlencode(), anchor=anchor or param)
