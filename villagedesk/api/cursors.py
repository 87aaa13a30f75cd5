"""Cursor pagination over `core.paging`'s key pages: the cursor is the last row's key, made
opaque (base64url), so a client passes it back unchanged and never counts rows."""

import base64
import binascii

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Path, Schema
from pydantic import Field

from villagedesk.api.errors import ApiError
from villagedesk.core import paging

# Text of any field: anything but NUL, which no PostgreSQL text can hold.
NO_NUL = r"^[^\x00]*$"
# Ids a path may name: as the pages' converter, past 64 bits no row can be.
ID_MAX = 2**62
AREA_CODE = r"^[0-9]{12}$"
LIMIT_DEFAULT = 25
LIMIT_MAX = 200


def row_id(description: str = ""):
    """A row's id in a path."""
    return Path(..., ge=1, le=ID_MAX, description=description)


def area_code():
    """An area's 12-digit code in a path."""
    return Path(..., pattern=AREA_CODE, description="12位区划代码", examples=["520123101001"])


class Page(Schema):
    next_cursor: str | None = Field(None, description="下一页的游标; null: 没有下一页")


def cursor_of(key: str | None) -> str | None:
    if key is None:
        return None
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def key_of(cursor: str, queryset: QuerySet, fields: tuple[str, str]) -> str:
    """The key a cursor stands for; 400 for anything that is not a cursor of this list."""
    if not cursor:
        return ""
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key = ""
    if paging.key_parsed(key, queryset, fields) is None:
        raise ApiError(400, "bad_cursor", _("This cursor is not one this list gave."))
    return key


def page_of(queryset: QuerySet, *, fields: tuple[str, str], limit: int, cursor: str):
    """The rows after the cursor in the order of `fields`, and the cursor of the next page."""
    page = paging.key_page(
        queryset, fields=fields, size=limit, after=key_of(cursor, queryset, fields)
    )
    return page.object_list, cursor_of(page.next_key)
