"""Welfare: every policy explained for one household, and the gap list of an area, through
welfare's selectors (the same evaluation as the web's pages and `evaluate_policies`)."""

import datetime

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from villagedesk.api.cursors import NO_NUL, area_code, row_id
from villagedesk.api.errors import READ_ERRORS, ApiError
from villagedesk.registry import selectors as registry
from villagedesk.welfare import selectors
from villagedesk.welfare.evaluation import explanation_data, household_evaluation
from villagedesk.welfare.figures import day_of
from villagedesk.welfare.rules import RuleError

router = Router(tags=["welfare"])


class Condition(Schema):
    path: str
    condition: str = Field(examples=["家庭年人均纯收入低于低保标准"])
    value: str = Field(examples=["4,210.00"])
    standard: str = Field(examples=["5,160.00"])
    outcome: str = Field(description="pass / fail / unknown", examples=["pass"])
    note: str


class PolicyResult(Schema):
    code: str = Field(examples=["dibao"])
    person: int | None = Field(description="按人的政策: 成员; 按户: null")
    enrolled: bool
    error: str | None = Field(description="规则无法评估的原因")
    rule: str | None = None
    eligible: bool | None = None
    conditions: list[Condition] = []
    income: dict | None = None


class Eligibility(Schema):
    household: int
    number: str
    village: str
    day: datetime.date
    policies: list[PolicyResult]


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="评估年份, 默认今年")


def report_day(year: int | None) -> datetime.date:
    today = timezone.localdate()
    if year is None or year > today.year + 1:
        return today
    return day_of(year)


@router.get(
    "/households/{int:household_id}/eligibility",
    response={200: Eligibility, **READ_ERRORS},
    url_name="household-eligibility",
)
def household_eligibility(request, query: Query[YearQuery], household_id: int = row_id()):
    """Every policy and care list for the household: eligible or not, enrolled or not, and each
    condition with the household's value, the standard and its outcome."""
    household = registry.household_get(user=request.user, pk=household_id)
    return household_evaluation(household=household, day=report_day(query.year))


class GapLine(Schema):
    kind: str = Field(
        description="eligible_not_enrolled 符合未享受 / enrolled_not_eligible 享受不符合"
    )
    household: int
    number: str
    person: int | None
    name: str = Field(examples=["张秀英"])
    checked: bool = Field(description="已核实, 且规则读取的数据未变")
    conditions: list[Condition]


class RollupLine(Schema):
    village: str
    village_name: str
    eligible: int
    not_enrolled: int
    not_eligible: int


class Gaps(Schema):
    policy: str
    area: str
    day: datetime.date
    lines: list[GapLine] = Field([], description="一个村: 逐户列出")
    rollup: list[RollupLine] = Field([], description="乡镇或县: 按村汇总")
    computed_at: datetime.datetime | None = Field(
        None, description="汇总读取的后台统计时间; 仍在计算时为空"
    )


class GapQuery(Schema):
    policy: str = Field("dibao", max_length=50, pattern=NO_NUL, examples=["dibao"])
    year: int | None = Field(None, ge=2000, le=2100)


def subject_name(line) -> str:
    """The person a line is about, or the head of its household."""
    subject = line.person or line.household.head()
    return subject.name if subject else ""


@router.get("/areas/{code}/gaps", response={200: Gaps, **READ_ERRORS}, url_name="area-gaps")
def area_gaps(request, query: Query[GapQuery], code: str = area_code()):
    """The gap list of a policy in an area the caller sees: line by line for a village (eligible
    and not enrolled, enrolled and not eligible, with the conditions), per village above."""
    policy = selectors.policy_get(code=query.policy)
    area = selectors.report_area(user=request.user, code=code)
    day = report_day(query.year)
    answer = {"policy": policy.code, "area": area.code, "day": day}
    try:
        if area.is_village:
            answer["lines"] = [
                {
                    "kind": line.kind,
                    "household": line.household.pk,
                    "number": line.household.number,
                    "person": line.person.pk if line.person else None,
                    "name": subject_name(line),
                    "checked": line.check is not None,
                    "conditions": explanation_data(line.explanation)["conditions"],
                }
                for line in selectors.gap_lines(
                    user=request.user, policy=policy, area=area, day=day
                )
            ]
        else:
            rollup = selectors.gap_rollup_shown(
                user=request.user, policy=policy, area=area, day=day
            )
            answer["rollup"] = [
                {
                    "village": row.area.code,
                    "village_name": row.area.display_name,
                    "eligible": row.eligible,
                    "not_enrolled": row.not_enrolled,
                    "not_eligible": row.not_eligible,
                }
                for row in rollup.rows
            ]
            if rollup.stored is not None:
                answer["computed_at"] = rollup.stored.computed_at
    except RuleError as error:
        raise ApiError(409, "rule_error", str(error)) from None
    return answer
