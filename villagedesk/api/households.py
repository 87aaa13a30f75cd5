"""Households and persons of the registry, through its selectors and services. Personal numbers
are masked; a caller who may reveal them asks for one person's, and each reveal is logged as the
web logs it (`registry.services.person_reveal`)."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from villagedesk.api.cursors import LIMIT_DEFAULT, LIMIT_MAX, NO_NUL, Page, page_of, row_id
from villagedesk.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError
from villagedesk.core import paging
from villagedesk.core.masking import mask_phone
from villagedesk.registry import selectors, services
from villagedesk.registry.codes import DocumentType, HouseholdStatus, Relation, Sex
from villagedesk.registry.models import PERSONAL_NUMBERS, Household, Person

router = Router(tags=["households"])

StatusCode = Literal[tuple(HouseholdStatus.values)]
SexCode = Literal[tuple(Sex.values)]
RelationCode = Literal[tuple(Relation.values)]
DocumentCode = Literal[tuple(DocumentType.values)]
NumberField = Literal[tuple(PERSONAL_NUMBERS)]


class PersonOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    name: str = Field(examples=["张秀英"])
    sex: str = Field(examples=["female"])
    birth_date: datetime.date = Field(examples=["1956-03-08"])
    relation: str = Field(examples=["head"])
    document_type: str = Field(examples=["resident_id"])
    id_number: str = Field(
        description="身份证号码, 打码 (前6后4), 除非揭示", examples=["520123********1023"]
    )
    phone: str = Field(description="电话, 打码 (前3后4), 除非揭示", examples=["139****5678"])
    version: int
    revealed: list[str] = Field([], description="本次揭示并记录的字段")

    @staticmethod
    def resolve_id_number(person: Person) -> str:
        return getattr(person, "shown_id_number", None) or PERSONAL_NUMBERS["id_number"](
            person.id_number or ""
        )

    @staticmethod
    def resolve_phone(person: Person) -> str:
        return getattr(person, "shown_phone", None) or mask_phone(person.phone or "")

    @staticmethod
    def resolve_revealed(person: Person) -> list[str]:
        return getattr(person, "revealed", [])


class HouseholdOut(Schema):
    id: int
    number: str = Field(examples=["0012"])
    village: str = Field(alias="area_code", examples=["520123101001"])
    village_name: str = Field(examples=["石板村"])
    group: int | None = Field(alias="group_id")
    group_name: str = Field(examples=["第三村民小组"])
    status: str = Field(examples=["poor"])
    address: str = Field(examples=["石板村三组12号"])
    phone: str = Field(description="打码", examples=["139****5678"])
    head_name: str = Field(description="户主姓名", examples=["张秀英"])
    size: int = Field(description="家庭成员数")
    version: int

    @staticmethod
    def resolve_village_name(household: Household) -> str:
        return household.village.display_name

    @staticmethod
    def resolve_group_name(household: Household) -> str:
        return household.group.name if household.group_id else ""

    @staticmethod
    def resolve_phone(household: Household) -> str:
        return mask_phone(household.phone or "")

    @staticmethod
    def resolve_head_name(household: Household) -> str:
        head = household.head()
        return head.name if head else ""

    @staticmethod
    def resolve_size(household: Household) -> int:
        return len(household.members.all())


class HouseholdDetail(HouseholdOut):
    members: list[PersonOut]

    @staticmethod
    def resolve_members(household: Household) -> list[Person]:
        return list(household.members.all())


class HouseholdPage(Page):
    items: list[HouseholdOut]
    total: int = Field(description="总数: 10000 以内准确, 以上为估计")
    total_kind: str = Field(description='"" 准确, "about" 估计, "more than" 至少')


class HouseholdFilters(Schema):
    """The web household list's filters."""

    village: str = Field(
        "", max_length=12, pattern=NO_NUL, description="村的区划代码", examples=["520123101001"]
    )
    group: int | None = Field(None, ge=1, le=2**62, description="村民小组")
    status: StatusCode | Literal[""] = Field("", description="户类型")
    q: str = Field(
        "", max_length=50, pattern=NO_NUL, description="姓名、拼音、首字母或身份证号码尾号"
    )
    cursor: str = Field("", max_length=500, pattern=NO_NUL)
    limit: int = Field(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)


@router.get("/households", response={200: HouseholdPage, **READ_ERRORS}, url_name="household-list")
def household_list(request, filters: Query[HouseholdFilters]):
    """Households in the caller's areas, in the order of village and household number."""
    households = selectors.household_list(
        user=request.user,
        filters=selectors.HouseholdFilters(
            village=filters.village, group=filters.group, status=filters.status, q=filters.q
        ),
    )
    rows, next_cursor = page_of(
        households, fields=("area_code", "number"), limit=filters.limit, cursor=filters.cursor
    )
    total = paging.total(households)
    return {
        "items": rows,
        "next_cursor": next_cursor,
        "total": total.count,
        "total_kind": total.kind,
    }


@router.get(
    "/households/{int:household_id}",
    response={200: HouseholdDetail, **READ_ERRORS},
    url_name="household-detail",
)
def household_detail(request, household_id: int = row_id()):
    """One household with its members, numbers masked; 404 outside the caller's areas."""
    return selectors.household_get(user=request.user, pk=household_id)


class HouseholdIn(Schema):
    village: str = Field(max_length=12, pattern=NO_NUL, examples=["520123101001"])
    number: str = Field(min_length=1, max_length=30, pattern=NO_NUL, examples=["0013"])
    group: int | None = Field(None, ge=1, le=2**62)
    address: str = Field("", max_length=200, pattern=NO_NUL, examples=["石板村三组15号"])
    phone: str = Field("", max_length=20, pattern=NO_NUL, examples=["13912345678"])
    status: StatusCode = "not_poor"


class HouseholdPatch(Schema):
    village: str | None = Field(None, max_length=12, pattern=NO_NUL)
    number: str | None = Field(None, min_length=1, max_length=30, pattern=NO_NUL)
    group: int | None = Field(None, ge=1, le=2**62)
    address: str | None = Field(None, max_length=200, pattern=NO_NUL)
    phone: str | None = Field(None, max_length=20, pattern=NO_NUL)
    status: StatusCode | None = None
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="读取时的版本; 他人已保存则 409"
    )


def village_in_view(user, code: str):
    """A village the caller sees, else 404, as an unknown one."""
    village = selectors.village_list(user=user).filter(code=code).first()
    if village is None:
        raise ApiError(404, "not_found", _("Not found."))
    return village


def group_of(user, village, group_id: int | None):
    if group_id is None:
        return None
    group = selectors.group_list(user=user, village_code=village.code).filter(pk=group_id).first()
    if group is None:
        raise ApiError(
            422,
            "refused",
            _("The record was not saved: see the details."),
            {"group": [_("This village group is not in the household's village.")]},
        )
    return group


@router.post(
    "/households",
    response={201: HouseholdDetail, **WRITE_ERRORS},
    url_name="household-create",
)
def household_create(request, data: HouseholdIn):
    """Add a household to a village the caller keeps (`registry.services.household_create`)."""
    village = village_in_view(request.user, data.village)
    household = Household(
        village=village,
        group=group_of(request.user, village, data.group),
        number=data.number,
        address=data.address,
        phone=data.phone,
        status=data.status,
    )
    household = services.household_create(by=request.user, household=household)
    return Status(201, selectors.household_get(user=request.user, pk=household.pk))


@router.patch(
    "/households/{int:household_id}",
    response={200: HouseholdDetail, **WRITE_ERRORS},
    url_name="household-update",
)
def household_update(request, data: HouseholdPatch, household_id: int = row_id()):
    """Change a household the caller keeps; only the fields sent change."""
    household = selectors.household_get(user=request.user, pk=household_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("village"):
        household.village = village_in_view(request.user, changes["village"])
    if "group" in changes or "village" in changes:
        household.group = group_of(
            request.user, household.village, changes.get("group", household.group_id)
        )
    for name in ("number", "address", "phone", "status"):
        if changes.get(name) is not None:
            setattr(household, name, changes[name])
    if changes.get("version") is not None:
        household.version = changes["version"]
    services.household_update(by=request.user, household=household)
    return selectors.household_get(user=request.user, pk=household.pk)


class RevealQuery(Schema):
    reveal: list[NumberField] = Field(
        [], description="要揭示的号码 (需要揭示权限; 每次揭示都被记录)", examples=[["id_number"]]
    )


@router.get(
    "/persons/{int:person_id}", response={200: PersonOut, **READ_ERRORS}, url_name="person-detail"
)
def person_detail(request, query: Query[RevealQuery], person_id: int = row_id()):
    """One person, numbers masked; `?reveal=id_number` (or `phone`, …) shows a number in full
    to a caller whose role may reveal it, and logs the reveal; 403 to one who may not."""
    person = selectors.person_get(user=request.user, pk=person_id)
    person.revealed = []
    for field in dict.fromkeys(query.reveal):
        value = services.person_reveal(by=request.user, person=person, field=field, request=request)
        setattr(person, f"shown_{field}", value)
        person.revealed.append(field)
    return person


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=50, pattern=NO_NUL, examples=["王建国"])
    sex: SexCode = Field(examples=["male"])
    birth_date: datetime.date = Field(examples=["1980-05-01"])
    relation: RelationCode = Field(examples=["son"])
    document_type: DocumentCode = "resident_id"
    id_number: str = Field("", max_length=30, pattern=NO_NUL, examples=["52012319800501001X"])
    phone: str = Field("", max_length=20, pattern=NO_NUL)


class PersonPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50, pattern=NO_NUL)
    sex: SexCode | None = None
    birth_date: datetime.date | None = None
    relation: RelationCode | None = None
    document_type: DocumentCode | None = None
    id_number: str | None = Field(
        None, max_length=30, pattern=NO_NUL, description="空: 保留已记录的号码"
    )
    phone: str | None = Field(
        None, max_length=20, pattern=NO_NUL, description="空: 保留已记录的号码"
    )
    version: int | None = Field(None, ge=1, le=2**31 - 1)


@router.post(
    "/households/{int:household_id}/members",
    response={201: PersonOut, **WRITE_ERRORS},
    url_name="person-create",
)
def person_create(request, data: PersonIn, household_id: int = row_id()):
    """Add a member to a household the caller keeps (`registry.services.person_save`)."""
    household = selectors.household_get(user=request.user, pk=household_id)
    values = data.model_dump()
    values["id_number"] = values["id_number"] or None
    person = services.person_save(by=request.user, person=Person(household=household, **values))
    return Status(201, selectors.person_get(user=request.user, pk=person.pk))


@router.patch(
    "/persons/{int:person_id}", response={200: PersonOut, **WRITE_ERRORS}, url_name="person-update"
)
def person_update(request, data: PersonPatch, person_id: int = row_id()):
    """Change a member of a household the caller keeps; a number left empty is kept, as on the
    web's form."""
    person = selectors.person_get(user=request.user, pk=person_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None or (name in PERSONAL_NUMBERS and value == ""):
            continue
        setattr(person, name, value)
    services.person_save(by=request.user, person=person)
    return selectors.person_get(user=request.user, pk=person.pk)
