"""Areas the caller sees: the county, townships, villages and village groups below their
assignments."""

from django.db.models import QuerySet
from ninja import Query, Router, Schema
from pydantic import Field

from villagedesk.api.cursors import LIMIT_DEFAULT, LIMIT_MAX, NO_NUL, Page, area_code, page_of
from villagedesk.api.errors import READ_ERRORS
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import get_visible_or_404

router = Router(tags=["areas"])


class AreaOut(Schema):
    code: str = Field(examples=["520123101001"])
    name: str = Field(examples=["石板村"])
    level: int = Field(description="1 省, 2 市, 3 县, 4 乡镇, 5 村", examples=[5])
    parent: str | None = Field(None, examples=["520123101000"])

    @staticmethod
    def resolve_parent(area: Area) -> str | None:
        return area.parent.code if area.parent_id else None


class AreaPage(Page):
    items: list[AreaOut]


class AreaFilters(Schema):
    level: int | None = Field(None, ge=min(Level.values), le=max(Level.values))
    within: str = Field(
        "", max_length=12, pattern=NO_NUL, description="上级区划代码: 只列其下的区划"
    )
    cursor: str = Field("", max_length=500, pattern=NO_NUL)
    limit: int = Field(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)


def areas_visible(user) -> QuerySet[Area]:
    return Area.objects.visible_to(user).select_related("parent")


@router.get("/areas", response={200: AreaPage, **READ_ERRORS}, url_name="area-list")
def area_list(request, filters: Query[AreaFilters]):
    """The areas the caller sees, by code."""
    areas = areas_visible(request.user)
    if filters.level is not None:
        areas = areas.filter(level=filters.level)
    if filters.within:
        above = get_visible_or_404(areas, user=request.user, code=filters.within)
        areas = areas.within([above.prefix])
    rows, next_cursor = page_of(
        areas, fields=("code", "id"), limit=filters.limit, cursor=filters.cursor
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get("/areas/{code}", response={200: AreaOut, **READ_ERRORS}, url_name="area-detail")
def area_detail(request, code: str = area_code()):
    """One area the caller sees; 404 outside the caller's areas."""
    return get_visible_or_404(areas_visible(request.user), user=request.user, code=code)
