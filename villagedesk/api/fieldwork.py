"""Visits, problems and diary days, through fieldwork's selectors and services. A visit, a
problem or a diary day is created once per idempotency key: a field app (or the pages' own
offline queue) that lost the answer sends the same key again and gets the same record."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from villagedesk.api import services
from villagedesk.api.cursors import LIMIT_DEFAULT, LIMIT_MAX, NO_NUL, Page, page_of, row_id
from villagedesk.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError
from villagedesk.core.concurrency import EditConflict
from villagedesk.fieldwork import selectors
from villagedesk.fieldwork import services as fieldwork
from villagedesk.fieldwork.codes import (
    STATUS_STEPS,
    Presence,
    ProblemCategory,
    ProblemStatus,
    Solvable,
    Topic,
    Urgency,
    VisitKind,
)
from villagedesk.fieldwork.models import DiaryDay, Problem, Visit
from villagedesk.registry import selectors as registry
from villagedesk.registry.models import Household, Person

router = Router(tags=["fieldwork"])

KindCode = Literal[tuple(VisitKind.values)]
TopicCode = Literal[tuple(Topic.values)]
CategoryCode = Literal[tuple(ProblemCategory.values)]
UrgencyCode = Literal[tuple(Urgency.values)]
SolvableCode = Literal[tuple(Solvable.values)]
StatusCode = Literal[tuple(ProblemStatus.values)]
PresenceCode = Literal[tuple(Presence.values)]
Id = Field(ge=1, le=2**62)


def key_header(required: bool):
    return Header(
        ... if required else None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        pattern=NO_NUL,
        description=(
            "客户端生成的唯一键 (如 UUID): 同一个键再次发送, 得到第一次记录的结果 (200), "
            "不会记两次; 同一个键配别的请求, 拒绝 (422)"
        ),
        examples=["3f1c2a9e-7b41-4d4e-9a55-0c2f1b7e8d10"],
    )


def households_seen(user, ids: list[int]) -> list[Household]:
    """The households of these ids, all in the caller's areas, else 404."""
    return [registry.household_get(user=user, pk=pk) for pk in dict.fromkeys(ids)]


def persons_seen(user, ids: list[int]) -> list[Person]:
    """The persons of these ids, all in the caller's areas, else 404."""
    return [registry.person_get(user=user, pk=pk) for pk in dict.fromkeys(ids)]


def owner_of(village, pk: int | None):
    """The user of this id who may own a problem of the village (None for none), else 422."""
    if pk is None:
        return None
    owner = selectors.owner_choices(villages=[village]).filter(pk=pk).first()
    if owner is None:
        raise DjangoValidationError(
            {"owner": _("The owner must work in this village or above it.")}
        )
    return owner


class VisitOut(Schema):
    id: int
    village: str = Field(alias="area_code", examples=["520123101001"])
    household: int | None = Field(alias="household_id")
    persons: list[int] = Field(description="见到的人")
    visitor: str = Field(examples=["李明"])
    visited_on: datetime.date
    kind: str = Field(examples=["home"])
    topics: list[str] = Field(examples=[["income", "health"]])
    place: str = Field(examples=["家中"])
    companions: str
    said: str = Field(examples=["老人说今年腿脚不好，想问慢病补助怎么申请。"])
    opinions: str
    follow_up: str = Field(examples=["下周带慢病卡申请表再来"])
    follow_up_due: datetime.date | None
    follow_up_done_on: datetime.date | None

    @staticmethod
    def resolve_persons(visit: Visit) -> list[int]:
        return [p.pk for p in visit.persons.all()]

    @staticmethod
    def resolve_visitor(visit: Visit) -> str:
        return str(visit.visitor)


class VisitIn(Schema):
    household: int | None = Field(None, ge=1, le=2**62, description="走访的户")
    persons: list[int] = Field([], max_length=50, description="见到的人 (同一个村)")
    visited_on: datetime.date | None = Field(None, description="走访日期, 默认今天")
    kind: KindCode = "home"
    topics: list[TopicCode] = Field([], max_length=20)
    place: str = Field("", max_length=200, pattern=NO_NUL)
    companions: str = Field("", max_length=200, pattern=NO_NUL)
    said: str = Field(
        "",
        max_length=20000,
        pattern=NO_NUL,
        examples=["老人说今年腿脚不好，想问慢病补助怎么申请。"],
    )
    opinions: str = Field("", max_length=20000, pattern=NO_NUL)
    follow_up: str = Field("", max_length=300, pattern=NO_NUL, examples=["下周带慢病卡申请表再来"])
    follow_up_due: datetime.date | None = None


@router.post(
    "/visits",
    response={200: VisitOut, 201: VisitOut, **WRITE_ERRORS},
    url_name="visit-create",
)
def visit_create(
    request,
    data: VisitIn,
    idempotency_key: str = key_header(required=True),
):
    """Record a visit (`fieldwork.services.visit_record`): 201 the first time a key is sent,
    200 with the same visit for every retry with that key."""
    household = households_seen(request.user, [data.household])[0] if data.household else None
    visit = Visit(
        household=household,
        visited_on=data.visited_on or timezone.localdate(),
        kind=data.kind,
        topics=list(data.topics),
        place=data.place,
        companions=data.companions,
        said=data.said,
        opinions=data.opinions,
        follow_up=data.follow_up,
        follow_up_due=data.follow_up_due,
    )
    persons = persons_seen(request.user, data.persons)
    visit, made = fieldwork.sent_once(
        by=request.user,
        key=idempotency_key,
        fingerprint=services.request_fingerprint(data.model_dump(mode="json")),
        kind="visit",
        write=lambda: fieldwork.visit_record(by=request.user, visit=visit, persons=persons),
    )
    return Status(201 if made else 200, selectors.visit_get(user=request.user, pk=visit.pk))


@router.post(
    "/visits/{int:visit_id}/photo",
    response={200: VisitOut, **WRITE_ERRORS},
    url_name="visit-photo",
)
def visit_photo(request, file: File[UploadedFile], visit_id: int = row_id()):
    """Give one of the caller's own visits its photo (multipart, `file`; at most 10 MB, kept as
    a JPEG of at most 1600 px a side without its metadata); sending one again replaces it."""
    visit = selectors.visit_get(user=request.user, pk=visit_id)
    fieldwork.visit_photo_set(by=request.user, visit=visit, photo=file)
    return selectors.visit_get(user=request.user, pk=visit.pk)


class VisitPage(Page):
    items: list[VisitOut]


class VisitFilters(Schema):
    village: str = Field("", max_length=12, pattern=NO_NUL, description="村的区划代码")
    q: str = Field("", max_length=100, pattern=NO_NUL, description="户、人, 或所说的话")
    mine: bool = Field(False, description="只列我的走访")
    open_follow_up: bool = Field(False, description="只列待跟进的")
    since: datetime.date | None = None
    until: datetime.date | None = None
    cursor: str = Field("", max_length=500, pattern=NO_NUL)
    limit: int = Field(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)


@router.get("/visits", response={200: VisitPage, **READ_ERRORS}, url_name="visit-list")
def visit_list(request, filters: Query[VisitFilters]):
    """Visits in the caller's areas, by date then id (oldest first: a client syncing keeps the
    cursor of its last page)."""
    visits = selectors.visit_list(
        user=request.user,
        village=filters.village,
        filters=selectors.VisitFilters(
            q=filters.q,
            mine=filters.mine,
            open_follow_up=filters.open_follow_up,
            since=filters.since,
            until=filters.until,
        ),
    )
    rows, next_cursor = page_of(
        visits, fields=("visited_on", "id"), limit=filters.limit, cursor=filters.cursor
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get(
    "/visits/{int:visit_id}", response={200: VisitOut, **READ_ERRORS}, url_name="visit-detail"
)
def visit_detail(request, visit_id: int = row_id()):
    """One visit; 404 outside the caller's areas."""
    return selectors.visit_get(user=request.user, pk=visit_id)


class ProblemOut(Schema):
    id: int
    village: str = Field(alias="area_code")
    title: str = Field(examples=["三组饮水管道冬天冻裂"])
    description: str
    raised_by: str
    category: str = Field(examples=["infrastructure"])
    urgency: str
    solvable: str
    subjective_causes: str
    objective_causes: str
    status: str = Field(examples=["new"])
    next_statuses: list[str] = Field(description="下一步可以转到的状态")
    referred_to: str
    referral_answer: str
    resolution: str
    due_on: datetime.date | None
    owner: int | None = Field(alias="owner_id", description="负责人")
    households: list[int]
    persons: list[int]
    version: int

    @staticmethod
    def resolve_next_statuses(problem: Problem) -> list[str]:
        return sorted(STATUS_STEPS.get(problem.status, set()))

    @staticmethod
    def resolve_households(problem: Problem) -> list[int]:
        return sorted(h.pk for h in problem.households.all())

    @staticmethod
    def resolve_persons(problem: Problem) -> list[int]:
        return sorted(p.pk for p in problem.persons.all())


class ProblemIn(Schema):
    village: str = Field(max_length=12, pattern=NO_NUL, examples=["520123101001"])
    title: str = Field(
        min_length=1, max_length=200, pattern=NO_NUL, examples=["三组饮水管道冬天冻裂"]
    )
    description: str = Field("", max_length=20000, pattern=NO_NUL)
    raised_by: str = Field("", max_length=100, pattern=NO_NUL, examples=["三组组长"])
    category: CategoryCode = Field(examples=["infrastructure"])
    urgency: UrgencyCode = "normal"
    solvable: SolvableCode = "locally"
    subjective_causes: str = Field("", max_length=20000, pattern=NO_NUL)
    objective_causes: str = Field("", max_length=20000, pattern=NO_NUL)
    owner: int | None = Field(None, ge=1, le=2**62, description="负责人 (在这个村或上级工作的用户)")
    due_on: datetime.date | None = None
    households: list[int] = Field([], max_length=50)
    persons: list[int] = Field([], max_length=50)


class ProblemPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NO_NUL)
    description: str | None = Field(None, max_length=20000, pattern=NO_NUL)
    raised_by: str | None = Field(None, max_length=100, pattern=NO_NUL)
    category: CategoryCode | None = None
    subjective_causes: str | None = Field(
        None, max_length=20000, pattern=NO_NUL, examples=["缺少管护"]
    )
    objective_causes: str | None = Field(
        None, max_length=20000, pattern=NO_NUL, examples=["管道埋得太浅"]
    )
    urgency: UrgencyCode | None = None
    solvable: SolvableCode | None = None
    due_on: datetime.date | None = None
    owner: int | None = Field(
        None, ge=1, le=2**62, description="负责人 (在这个村或上级工作的用户); null 为没有负责人"
    )
    households: list[int] | None = Field(
        None, max_length=50, description="涉及的户 (同一个村), 整个替换"
    )
    persons: list[int] | None = Field(
        None, max_length=50, description="涉及的人 (同一个村), 整个替换"
    )
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="编辑开始时的版本: 之后别人保存过, 拒绝 (409), details.current 是现在保存的值",
    )


class ProblemMove(Schema):
    status: StatusCode = Field(examples=["analysing"])
    referred_to: str = Field("", max_length=200, pattern=NO_NUL, examples=["县水务局"])
    resolution: str = Field(
        "", max_length=20000, pattern=NO_NUL, examples=["换了防冻管，包了保温层"]
    )


class ProblemPage(Page):
    items: list[ProblemOut]


class ProblemFilters(Schema):
    village: str = Field("", max_length=12, pattern=NO_NUL)
    status: StatusCode | Literal[""] = ""
    category: CategoryCode | Literal[""] = ""
    overdue: bool = False
    cursor: str = Field("", max_length=500, pattern=NO_NUL)
    limit: int = Field(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)


def problem_shown(user, pk: int) -> Problem:
    return selectors.problem_get(user=user, pk=pk)


@router.get("/problems", response={200: ProblemPage, **READ_ERRORS}, url_name="problem-list")
def problem_list(request, filters: Query[ProblemFilters]):
    """Problems in the caller's areas (the web's filters), by village code then id."""
    problems = selectors.problem_list(
        user=request.user,
        filters=selectors.ProblemFilters(
            village=filters.village,
            status=filters.status,
            category=filters.category,
            overdue=filters.overdue,
        ),
    ).prefetch_related("households", "persons")
    rows, next_cursor = page_of(
        problems, fields=("area_code", "id"), limit=filters.limit, cursor=filters.cursor
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.post(
    "/problems",
    response={200: ProblemOut, 201: ProblemOut, **WRITE_ERRORS},
    url_name="problem-create",
)
def problem_create(
    request, data: ProblemIn, idempotency_key: str | None = key_header(required=False)
):
    """Register a problem in a village the caller works in (`fieldwork.services.problem_create`).
    With an `Idempotency-Key`, 201 the first time a key is sent and 200 with the same problem for
    every retry with it."""
    village = registry.village_list(user=request.user).filter(code=data.village).first()
    if village is None:
        raise ApiError(404, "not_found", _("Not found."))
    owner = owner_of(village, data.owner)
    values = data.model_dump(exclude={"village", "households", "persons", "owner"})
    problem = Problem(village=village, owner=owner, **values)
    households = households_seen(request.user, data.households)
    persons = persons_seen(request.user, data.persons)

    def write():
        return fieldwork.problem_create(
            by=request.user, problem=problem, households=households, persons=persons
        )

    if idempotency_key is None:
        return Status(201, problem_shown(request.user, write().pk))
    problem, made = fieldwork.sent_once(
        by=request.user,
        key=idempotency_key,
        fingerprint=services.request_fingerprint(data.model_dump(mode="json")),
        kind="problem",
        write=write,
    )
    return Status(201 if made else 200, problem_shown(request.user, problem.pk))


@router.get(
    "/problems/{int:problem_id}",
    response={200: ProblemOut, **READ_ERRORS},
    url_name="problem-detail",
)
def problem_detail(request, problem_id: int = row_id()):
    """One problem; 404 outside the caller's areas."""
    return problem_shown(request.user, problem_id)


@router.patch(
    "/problems/{int:problem_id}",
    response={200: ProblemOut, **WRITE_ERRORS},
    url_name="problem-update",
)
def problem_update(request, data: ProblemPatch, problem_id: int = row_id()):
    """Change a problem's text, category, causes, owner, dates and the households and persons it
    concerns (`fieldwork.services.problem_update`, the checks of `POST /problems`); a list sent
    replaces the one saved, a field left out stays as it is. Its status moves only by `move`.
    With `version`, a problem saved by someone else since is refused (409 `edit_conflict`) and
    `details.current` holds it as it is now, so that the caller can choose, field by field, what
    to send again with the version now saved."""
    problem = problem_shown(request.user, problem_id)
    sent = data.model_dump(exclude_unset=True, exclude={"owner", "households", "persons"})
    for name, value in sent.items():
        if value is not None or name == "due_on":
            setattr(problem, name, value)
    if "owner" in data.model_fields_set:
        problem.owner = owner_of(problem.village, data.owner)
    households = (
        list(problem.households.all())
        if data.households is None
        else households_seen(request.user, data.households)
    )
    persons = (
        list(problem.persons.all())
        if data.persons is None
        else persons_seen(request.user, data.persons)
    )
    try:
        fieldwork.problem_update(
            by=request.user, problem=problem, households=households, persons=persons
        )
    except EditConflict as conflict:
        current = (
            ProblemOut.from_orm(problem_shown(request.user, problem_id)).model_dump(mode="json")
            if conflict.current is not None
            else None
        )
        raise ApiError(409, "edit_conflict", conflict.messages[0], {"current": current}) from None
    return problem_shown(request.user, problem.pk)


@router.post(
    "/problems/{int:problem_id}/move",
    response={200: ProblemOut, **WRITE_ERRORS},
    url_name="problem-move",
)
def problem_move(request, data: ProblemMove, problem_id: int = row_id()):
    """Move a problem one step along the register's workflow (`fieldwork.services.problem_move`):
    a skipped step, analysis left without causes, or solving without saying what was done is
    refused (422)."""
    problem = problem_shown(request.user, problem_id)
    fieldwork.problem_move(
        by=request.user,
        problem=problem,
        status=data.status,
        referred_to=data.referred_to,
        resolution=data.resolution,
    )
    return problem_shown(request.user, problem.pk)


class DiaryOut(Schema):
    id: int
    village: str = Field(alias="area_code", examples=["520123101001"])
    day: datetime.date
    presence: str = Field(examples=["in_village"])
    reason: str
    work_done: str = Field(examples=["走访了三组的五户, 开了村民小组会"])
    version: int


class DiaryIn(Schema):
    village: str = Field(max_length=12, pattern=NO_NUL, description="驻村的村的区划代码")
    day: datetime.date
    presence: PresenceCode = "in_village"
    reason: str = Field("", max_length=200, pattern=NO_NUL, description="不在村的原因")
    work_done: str = Field("", max_length=20000, pattern=NO_NUL)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


@router.post(
    "/diary",
    response={200: DiaryOut, 201: DiaryOut, **WRITE_ERRORS},
    url_name="diary-create",
)
def diary_create(request, data: DiaryIn, idempotency_key: str = key_header(required=True)):
    """Write a day of the caller's own work diary (`fieldwork.services.diary_save`, the web
    form's rules: a day within the caller's assignment to the village, one entry a day, a reason
    when away): 201 the first time a key is sent, 200 with the same day for every retry."""
    village = selectors.member_villages(user=request.user).filter(code=data.village).first()
    if village is None:
        raise ApiError(404, "not_found", _("Not found."))
    entry = DiaryDay(village=village, **data.model_dump(exclude={"village"}))
    entry, made = fieldwork.sent_once(
        by=request.user,
        key=idempotency_key,
        fingerprint=services.request_fingerprint(data.model_dump(mode="json")),
        kind="diary_day",
        write=lambda: fieldwork.diary_save(by=request.user, entry=entry),
    )
    return Status(201 if made else 200, entry)


class DiaryPatch(Schema):
    presence: PresenceCode | None = None
    reason: str | None = Field(None, max_length=200, pattern=NO_NUL)
    work_done: str | None = Field(None, max_length=20000, pattern=NO_NUL)
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="编辑开始时的版本: 之后别人保存过, 拒绝 (409), details.current 是现在保存的值",
    )


@router.patch(
    "/diary/{int:diary_id}",
    response={200: DiaryOut, **WRITE_ERRORS},
    url_name="diary-update",
)
def diary_update(request, data: DiaryPatch, diary_id: int = row_id()):
    """Change a day of the caller's own diary (`fieldwork.services.diary_save`, the web form's
    rules). With `version`, a day saved since (on another device) is refused (409
    `edit_conflict`) and `details.current` holds it as it is now."""
    entry = selectors.diary_day_own(member=request.user, pk=diary_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(entry, name, value)
    try:
        fieldwork.diary_save(by=request.user, entry=entry)
    except EditConflict as conflict:
        current = (
            DiaryOut.from_orm(selectors.diary_day_own(member=request.user, pk=diary_id)).model_dump(
                mode="json"
            )
            if conflict.current is not None
            else None
        )
        raise ApiError(409, "edit_conflict", conflict.messages[0], {"current": current}) from None
    return selectors.diary_day_own(member=request.user, pk=diary_id)


@router.post(
    "/diary/{int:diary_id}/photos",
    response={200: DiaryOut, 201: DiaryOut, **WRITE_ERRORS},
    url_name="diary-photo",
)
def diary_photo(
    request,
    file: File[UploadedFile],
    diary_id: int = row_id(),
    idempotency_key: str | None = key_header(required=False),
):
    """Add a photo to a day of the caller's own diary (multipart, `file`; at most 10 MB, kept as
    a JPEG of at most 1600 px a side without its metadata; `fieldwork.services.diary_photo_add`).
    With an `Idempotency-Key`, 201 the first time and 200 without adding it again for every
    retry; the key the day's web form was sent with finds the photo that form added."""
    entry = selectors.diary_day_own(member=request.user, pk=diary_id)
    _photo, made = fieldwork.diary_photo_add(
        by=request.user, entry=entry, photo=file, key=idempotency_key or ""
    )
    return Status(201 if made else 200, entry)
