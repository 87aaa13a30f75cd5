"""Scoped reads of welfare: evaluated policies, gap reports, explanations and roll-ups."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.fieldwork.codes import OPEN_STATUSES
from villagedesk.fieldwork.models import Visit
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.codes import BenefitUnit, GapKind, PolicyCategory
from villagedesk.welfare.models import (
    Enrolment,
    GapCheck,
    GapReferral,
    HouseholdHelper,
    Policy,
)
from villagedesk.welfare.rules import (
    CompiledRule,
    Context,
    Explanation,
    RuleError,
    compile_rule,
    explain_rows,
)
from villagedesk.welfare.services import subject_of


def policy_list(*, care: bool = False) -> QuerySet[Policy]:
    """Policies (or, with care=True, care lists), in catalogue order."""
    policies = Policy.objects.all()
    if care:
        return policies.filter(category=PolicyCategory.CARE)
    return policies.exclude(category=PolicyCategory.CARE)


def policy_get(*, code: str) -> Policy:
    policy = Policy.objects.filter(code=code).first()
    if policy is None:
        raise Http404
    return policy


def report_area(*, user: User, code: str = "") -> Area:
    """The area a report covers: the one asked for if the user sees it, else their widest."""
    prefixes = user.area_prefixes()
    if not prefixes:
        raise Http404
    if code:
        area = Area.objects.within(prefixes).filter(code=code).first()
        if area is None:
            raise Http404
        return area
    area = Area.objects.filter(code=prefixes[0].ljust(12, "0")).first()
    if area is None:
        raise Http404
    return area


def policy_compiled(*, policy: Policy, area: Area, day: datetime.date) -> CompiledRule:
    """The policy's rule in force on the day, compiled for the area; RuleError if it cannot be."""
    rule = policy.rule_on(day)
    if rule is None:
        raise RuleError(
            _("no rule version is in force on %(day)s") % {"day": day.isoformat()},
            rule=policy.code,
            part="",
        )
    return compile_rule(
        rule.definition,
        name=f"{policy.code} v{rule.version}",
        subject=subject_of(policy),
        context=Context(area=area, day=day),
    )


def active_enrolments(*, policy: Policy, day: datetime.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(policy=policy, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def gap_querysets(
    *, compiled: CompiledRule, policy: Policy, day: datetime.date
) -> dict[str, QuerySet]:
    """The eligible set and both gap lists as querysets of households or persons, in the area."""
    person = policy.benefit_unit == BenefitUnit.PERSON
    enrolled = active_enrolments(policy=policy, day=day)
    enrolled = (
        enrolled.filter(person=OuterRef("pk"))
        if person
        else enrolled.filter(household=OuterRef("pk"))
    )
    eligible = compiled.queryset()
    return {
        "eligible": eligible,
        GapKind.ELIGIBLE_NOT_ENROLLED: eligible.exclude(Exists(enrolled)),
        GapKind.ENROLLED_NOT_ELIGIBLE: compiled.outside().filter(Exists(enrolled)),
    }


@dataclass
class GapLine:
    kind: str
    household: Household
    person: Person | None
    explanation: Explanation
    check: GapCheck | None
    # The open fieldwork problem (or follow-up) this line was turned into.
    referral: GapReferral | None = None

    @property
    def failing(self):
        return [
            line for line in self.explanation.lines if line.outcome is not True and line.value != ""
        ]


def gap_lines(*, user: User, policy: Policy, area: Area, day: datetime.date) -> list[GapLine]:
    """Both gap lists of the policy in the area, each line explained, with its check if the
    data has not changed since; a fixed number of queries whatever the number of lines."""
    compiled = policy_compiled(policy=policy, area=area, day=day)
    sets = gap_querysets(compiled=compiled, policy=policy, day=day)
    person = compiled.subject == "person"
    lines = []
    for kind in (GapKind.ELIGIBLE_NOT_ENROLLED, GapKind.ENROLLED_NOT_ELIGIBLE):
        rows = sets[kind]
        explanations = explain_rows(compiled, rows)
        if person:
            objects = {
                p.pk: p
                for p in rows.select_related("household", "household__village").prefetch_related(
                    "household__members"
                )
            }
        else:
            objects = {h.pk: h for h in rows.select_related("village").prefetch_related("members")}
        for pk, obj in objects.items():
            lines.append(
                GapLine(
                    kind=kind,
                    household=obj.household if person else obj,
                    person=obj if person else None,
                    explanation=explanations[pk],
                    check=None,
                )
            )
    checks = GapCheck.objects.filter(
        policy=policy, area_code__startswith=area.prefix
    ).select_related("checked_by")
    by_subject = {(c.kind, c.household_id, c.person_id): c for c in checks}
    for line in lines:
        check = by_subject.get(
            (line.kind, line.household.pk, line.person.pk if line.person else None)
        )
        if check and check.fingerprint == line.explanation.fingerprint:
            line.check = check
    referrals = GapReferral.objects.filter(
        policy=policy, area_code__startswith=area.prefix, problem__status__in=OPEN_STATUSES
    ).select_related("problem")
    referred = {(r.kind, r.household_id, r.person_id): r for r in referrals}
    for line in lines:
        line.referral = referred.get(
            (line.kind, line.household.pk, line.person.pk if line.person else None)
        )
    lines.sort(key=lambda line: (line.kind, line.household.area_code, line.household.number))
    return lines


@dataclass
class RollupRow:
    area: Area
    eligible: int
    not_enrolled: int
    not_eligible: int


def gap_rollup(*, policy: Policy, area: Area, day: datetime.date) -> list[RollupRow]:
    """Per village of the area: eligible, eligible not enrolled, enrolled not eligible."""
    compiled = policy_compiled(policy=policy, area=area, day=day)
    sets = gap_querysets(compiled=compiled, policy=policy, day=day)

    def per_village(queryset) -> Counter:
        rows = (
            queryset.order_by()
            .values("area_code")
            .annotate(n=Count("pk"))
            .values_list("area_code", "n")
        )
        return Counter(dict(rows))

    eligible = per_village(sets["eligible"])
    missing = per_village(sets[GapKind.ELIGIBLE_NOT_ENROLLED])
    wrong = per_village(sets[GapKind.ENROLLED_NOT_ELIGIBLE])
    villages = Area.objects.within([area.prefix]).filter(level=Level.VILLAGE).order_by("code")
    return [RollupRow(v, eligible[v.code], missing[v.code], wrong[v.code]) for v in villages]


@dataclass
class PolicyExplanation:
    policy: Policy
    subject: Household | Person
    explanation: Explanation | None
    error: str
    enrolled: bool


def household_explanations(
    *, user: User, household: Household, day: datetime.date
) -> list[PolicyExplanation]:
    """Every policy and care list explained for the household (and each member for person
    policies): one query per policy."""
    area = household.village
    household_enrolled = set(
        Enrolment.objects.filter(household=household, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("policy_id", "person_id")
    )
    results = []
    policies = list(policy_list()) + list(policy_list(care=True))
    for policy in policies:
        try:
            compiled = policy_compiled(policy=policy, area=area, day=day)
        except RuleError as error:
            results.append(PolicyExplanation(policy, household, None, str(error), False))
            continue
        if compiled.subject == "person":
            members = Person.objects.filter(household=household)
            explanations = explain_rows(compiled, members)
            for member in household.members.all():
                results.append(
                    PolicyExplanation(
                        policy,
                        member,
                        explanations[member.pk],
                        "",
                        (policy.pk, member.pk) in household_enrolled,
                    )
                )
        else:
            explanations = explain_rows(compiled, Household.objects.filter(pk=household.pk))
            results.append(
                PolicyExplanation(
                    policy,
                    household,
                    explanations[household.pk],
                    "",
                    (policy.pk, None) in household_enrolled,
                )
            )
    return results


def enrolment_list(*, user: User, policy: Policy | None = None) -> QuerySet[Enrolment]:
    """Enrolments in the user's areas."""
    enrolments = Enrolment.objects.within(user.area_prefixes()).select_related(
        "policy", "household", "household__village", "person"
    )
    if policy:
        enrolments = enrolments.filter(policy=policy)
    return enrolments.order_by("area_code", "policy__code", "household__number", "-starts_on")


def care_list(*, policy: Policy, area: Area, day: datetime.date) -> QuerySet[Person]:
    """The persons a care list's rule selects in the area, with their households, their
    household's helper on the day and the date of the household's last visit."""
    compiled = policy_compiled(policy=policy, area=area, day=day)
    helpers = HouseholdHelper.objects.filter(
        household=OuterRef("household_id"), starts_on__lte=day
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    helpers = helpers.order_by("-starts_on")
    visits = Visit.objects.filter(household=OuterRef("household_id"), visited_on__lte=day)
    return (
        compiled.queryset()
        .select_related("household", "household__village")
        .annotate(
            helper_name=Subquery(helpers.values("name")[:1]),
            helper_unit=Subquery(helpers.values("unit")[:1]),
            helper_phone=Subquery(helpers.values("phone")[:1]),
            last_visit=Subquery(visits.order_by("-visited_on").values("visited_on")[:1]),
        )
    )


def helper_history(*, household: Household) -> QuerySet[HouseholdHelper]:
    """The household's helpers, the current one first."""
    return HouseholdHelper.objects.filter(household=household).order_by("-starts_on")
