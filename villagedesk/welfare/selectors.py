"""Scoped reads of welfare: evaluated policies, gap reports, explanations, roll-ups, care lists,
helpers, monitoring cases and parameters. Every read a page makes takes the user and returns only
what lies in the user's areas (404 for a single row outside them)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.core.masking import phone_shown
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.core.sealing import identity_hash
from villagedesk.fieldwork.codes import OPEN_STATUSES
from villagedesk.fieldwork.models import Visit
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.figures import few_households, of_area
from villagedesk.registry.models import Household, Person
from villagedesk.welfare import figures, texts
from villagedesk.welfare.codes import BenefitUnit, GapKind, PolicyCategory
from villagedesk.welfare.income import IncomeBreakdown, income_breakdown
from villagedesk.welfare.models import (
    Enrolment,
    FiguresKind,
    GapCheck,
    GapReferral,
    HouseholdHelper,
    IncomeFlow,
    Measure,
    MonitoredHousehold,
    Parameter,
    Policy,
    PolicyRule,
    ProcedureStep,
    open_in_year,
)
from villagedesk.welfare.parameters import parameter_names, parameter_value
from villagedesk.welfare.rules import (
    AreaRules,
    Context,
    Explanation,
    RuleError,
    compile_rule,
    describe,
    explain_rows,
    field_catalogue,
)
from villagedesk.welfare.rules.dates import IncomeWindow
from villagedesk.welfare.services import rule_check, subject_of


def policy_list(*, care: bool = False) -> QuerySet[Policy]:
    """Policies (or, with care=True, care lists), in catalogue order."""
    policies = Policy.objects.all()
    if care:
        return policies.filter(category=PolicyCategory.CARE)
    return policies.exclude(category=PolicyCategory.CARE)


def policy_rules_described(*, day: datetime.date) -> list[tuple[Policy, PolicyRule | None, str]]:
    """Every policy (not the care lists) with its rule in force on the day and that rule in
    words ("" when none is in force)."""
    described = []
    for policy in policy_list():
        rule = policy.rule_on(day)
        fields = field_catalogue(subject_of(policy))
        described.append((policy, rule, describe(rule.definition, fields) if rule else ""))
    return described


def policy_get(*, code: str) -> Policy:
    """The policy (or care list) of this code; 404 when there is none."""
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


def villages_under(*, user: User, area: Area) -> QuerySet[Area]:
    """The villages at or below the area that the user sees, by code."""
    return Area.objects.visible_to(user).within([area.prefix]).villages().order_by("code")


def policy_compiled(*, policy: Policy, area: Area, day: datetime.date) -> AreaRules:
    """The policy's rules in force on the day over the area, compiled; RuleError if one cannot
    be. The area's households follow its version (its own, the one of the nearest area above
    it, or the default), except in the areas below it with a version of their own, whose
    households follow that version, with the parameters of their own areas."""
    versions = policy.versions_within(day, area)
    prefixes = [part.prefix for part, _rule in versions]
    parts = []
    for part, rule in versions:
        if rule is None:
            raise RuleError(
                _("no rule version is in force on %(day)s") % {"day": day.isoformat()},
                rule=policy.code,
                part="",
            )
        compiled = compile_rule(
            rule.definition,
            name=rule.label,
            subject=subject_of(policy),
            context=Context(area=part, day=day, income_basis=policy.income_basis),
            within=area.prefix,
        )
        compiled.version = rule
        compiled.excluded = [p for p in prefixes if p.startswith(part.prefix) and p != part.prefix]
        parts.append(compiled)
    return AreaRules(parts)


def active_enrolments(*, policy: Policy, day: datetime.date) -> QuerySet[Enrolment]:
    """The policy's enrolments running on the day (all areas: callers narrow them)."""
    return Enrolment.objects.filter(policy=policy, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def gap_querysets(
    *, compiled: AreaRules, policy: Policy, day: datetime.date
) -> dict[str, QuerySet]:
    """The eligible set and both gap lists as querysets of households or persons, in the area."""
    person = policy.benefit_unit == BenefitUnit.PERSON
    running = active_enrolments(policy=policy, day=day)
    enrolled = (
        running.filter(person=OuterRef("pk"))
        if person
        else running.filter(household=OuterRef("pk"))
    )
    eligible = compiled.queryset()
    return {
        "eligible": eligible,
        GapKind.ELIGIBLE_NOT_ENROLLED: eligible.exclude(Exists(enrolled)),
        # The area's enrolments only: the county's would all be set against the rule's rows.
        GapKind.ENROLLED_NOT_ELIGIBLE: compiled.outside(
            running.within([compiled.context.area.prefix]).values(
                "person_id" if person else "household_id"
            )
        ),
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
        return texts.failing_lines(self.explanation)


def gap_lines(*, user: User, policy: Policy, area: Area, day: datetime.date) -> list[GapLine]:
    """Both gap lists of the policy in the area, each line explained, with its check if the
    data has not changed since; a fixed number of queries whatever the number of lines.

    One query reads the area's rows that meet the rule or are enrolled there, each with whether
    it meets the rule and whether it is enrolled anywhere (as `gap_querysets` has them): the
    eligible not enrolled make the first list, the rest that do not meet the rule (false or
    unknown) the second. Both lists are explained in one query."""
    compiled = policy_compiled(policy=policy, area=area, day=day)
    person = compiled.subject == "person"
    running = active_enrolments(policy=policy, day=day)
    enrolled = (
        running.filter(person=OuterRef("pk"))
        if person
        else running.filter(household=OuterRef("pk"))
    )
    here = running.within([compiled.context.area.prefix]).values(
        "person_id" if person else "household_id"
    )
    condition = compiled.condition
    rows = (
        compiled.base()
        .order_by()
        .filter(condition | Q(pk__in=here))
        .annotate(
            meets=Case(When(condition, then=Value(True)), default=Value(False)),
            enrolled=Exists(enrolled),
        )
    )
    # Where the user sees the whole area, its rows need no second area filter: the same filter
    # twice makes PostgreSQL expect almost no rows and join the grouped income view in a nested
    # loop, grouping it again for every row.
    if not any(area.prefix.startswith(p) for p in user.area_prefixes()):
        rows = rows.visible_to(user)
    kinds, households = {}, set()
    for pk, meets, on, household in rows.values_list(
        "pk", "meets", "enrolled", "household_id" if person else "pk"
    ):
        if meets and on:
            continue
        kinds[pk] = GapKind.ELIGIBLE_NOT_ENROLLED if meets else GapKind.ENROLLED_NOT_ELIGIBLE
        households.add(household)
    model = Person if person else Household
    explanations = (
        explain_rows(
            compiled, model.objects.filter(pk__in=list(kinds)), households=sorted(households)
        )
        if kinds
        else {}
    )
    chosen = model.objects.filter(pk__in=list(explanations))
    if person:
        chosen = chosen.select_related("household", "household__village").prefetch_related(
            "household__members"
        )
    else:
        chosen = chosen.select_related("village").prefetch_related("members")
    objects = list(chosen) if explanations else []
    lines = [
        GapLine(
            kind=kind,
            household=obj.household if person else obj,
            person=obj if person else None,
            explanation=explanations[obj.pk],
            check=None,
        )
        for kind in (GapKind.ELIGIBLE_NOT_ENROLLED, GapKind.ENROLLED_NOT_ELIGIBLE)
        for obj in objects
        if kinds[obj.pk] == kind
    ]
    checks = (
        GapCheck.objects.visible_to(user)
        .filter(policy=policy, area_code__startswith=area.prefix)
        .select_related("checked_by")
    )
    by_subject = {(c.kind, c.household_id, c.person_id): c for c in checks}
    for line in lines:
        check = by_subject.get(
            (line.kind, line.household.pk, line.person.pk if line.person else None)
        )
        if check and check.fingerprint == line.explanation.fingerprint:
            line.check = check
    referrals = (
        GapReferral.objects.visible_to(user)
        .filter(policy=policy, area_code__startswith=area.prefix, problem__status__in=OPEN_STATUSES)
        .select_related("problem")
    )
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
    # The rule version the village's households were evaluated with.
    rule: PolicyRule


def gap_rollup(*, user: User, policy: Policy, area: Area, day: datetime.date) -> list[RollupRow]:
    """Per village of the area the user sees: eligible, eligible not enrolled, enrolled not
    eligible, and the rule version its households follow; counted now."""
    compiled = policy_compiled(policy=policy, area=area, day=day)
    counts = gap_counts(compiled=compiled, policy=policy, day=day)
    villages = villages_under(user=user, area=area)
    return rollup_rows(compiled=compiled, villages=villages, counts=counts)


def rollup_rows(*, compiled: AreaRules, villages, counts: dict) -> list[RollupRow]:
    return [
        RollupRow(v, *counts.get(v.code, (0, 0, 0)), compiled.part_for(v.code).version)
        for v in villages
    ]


@dataclass
class Rollup:
    rows: list[RollupRow]
    # The stored figures the rows were read from; None when counted in the request.
    stored: figures.Stored | None = None


def gap_rollup_shown(*, user: User, policy: Policy, area: Area, day: datetime.date) -> Rollup:
    """The roll-up of `gap_rollup` as the report shows it: counted in the request for an area
    of few households, read from the counties' stored figures otherwise (`welfare.figures`).
    The rule is compiled either way, so that one that cannot be evaluated says why at once."""
    compiled = policy_compiled(policy=policy, area=area, day=day)
    villages = list(villages_under(user=user, area=area))
    if figures.small(area):
        counts = gap_counts(compiled=compiled, policy=policy, day=day)
        return Rollup(rollup_rows(compiled=compiled, villages=villages, counts=counts))
    stored = figures.stored(
        kind=FiguresKind.GAP,
        villages=villages,
        prefix=area.prefix,
        policy=policy,
        year=day.year,
    )
    if stored.error:
        # The county's rule failed where this area's does not (a parameter set only here):
        # this area is counted in the request.
        counts = gap_counts(compiled=compiled, policy=policy, day=day)
        return Rollup(rollup_rows(compiled=compiled, villages=villages, counts=counts))
    return Rollup(rollup_rows(compiled=compiled, villages=villages, counts=stored.counts), stored)


def gap_counts(
    *, compiled: AreaRules, policy: Policy, day: datetime.date
) -> dict[str, tuple[int, int, int]]:
    """Per village code of the area: eligible, eligible not enrolled and enrolled not eligible
    (the sizes of the `gap_querysets`). On PostgreSQL in one query (`gap_counts_joined`), 2.5 to
    3 times faster over a county than a query per list; SQLite runs that query several times
    slower than a grouped count per list, which it gets."""
    if connection.vendor == "postgresql":
        return gap_counts_joined(compiled=compiled, policy=policy, day=day)
    sets = gap_querysets(compiled=compiled, policy=policy, day=day)
    counts = {}
    lists = ("eligible", GapKind.ELIGIBLE_NOT_ENROLLED, GapKind.ENROLLED_NOT_ELIGIBLE)
    for i, name in enumerate(lists):
        rows = sets[name].order_by().values("area_code").annotate(n=Count("pk"))
        for code, n in rows.values_list("area_code", "n"):
            figures = counts.setdefault(code, [0, 0, 0])
            figures[i] = n
    return {code: tuple(figures) for code, figures in counts.items()}


def gap_counts_joined(
    *, compiled: AreaRules, policy: Policy, day: datetime.date
) -> dict[str, tuple[int, int, int]]:
    """The figures of `gap_counts` in one query that evaluates the rule once.

    The area's rows are joined to the rule's selection and to the running enrolments, and each
    figure is a sum over the joined rows (counting each list apart evaluates the rule for each
    list)."""
    person = compiled.subject == "person"
    model = Person if person else Household
    key = "person_id" if person else "household_id"
    rows, rows_params = (
        model.objects.within([compiled.context.area.prefix])
        .order_by()
        .values("pk", "area_code")
        .query.sql_with_params()
    )
    selected, selected_params = compiled.queryset().order_by().values("pk").query.sql_with_params()
    running, running_params = (
        active_enrolments(policy=policy, day=day)
        .order_by()
        .values(key)
        .distinct()
        .query.sql_with_params()
    )
    sql = (
        "SELECT x.area_code, "  # noqa: S608 (the ORM's own SQL, its values as parameters)
        "SUM(CASE WHEN s.pk IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN s.pk IS NOT NULL AND r.{key} IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN s.pk IS NULL AND r.{key} IS NOT NULL THEN 1 ELSE 0 END) "
        f"FROM ({rows}) x LEFT JOIN ({selected}) s ON s.pk = x.pk "
        f"LEFT JOIN ({running}) r ON r.{key} = x.pk GROUP BY x.area_code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, *selected_params, *running_params])
        return {code: (eligible, missing, wrong) for code, eligible, missing, wrong in cursor}


@dataclass
class PolicyExplanation:
    policy: Policy
    subject: Household | Person
    explanation: Explanation | None
    error: str
    enrolled: bool
    # The income lines that counted and those left out, for a rule that reads counted income.
    income: IncomeBreakdown | None = None
    # The rule version the subject was explained by.
    rule: PolicyRule | None = None


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
    window = IncomeWindow(day)
    lines = income_by_year(household=household, years=list(window.days))
    size = household.members.count()
    for policy in policies:
        try:
            compiled = policy_compiled(policy=policy, area=area, day=day)
        except RuleError as error:
            results.append(PolicyExplanation(policy, household, None, str(error), False))
            continue
        income = (
            income_breakdown(lines=lines, size=size, basis=policy.income_basis, window=window)
            if compiled.reads_income
            else None
        )
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
                        income,
                        compiled.part_for(household.area_code).version,
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
                    income,
                    compiled.part_for(household.area_code).version,
                )
            )
    return results


def gap_explanation(
    *, user: User, policy: Policy, household: Household, person: Person | None, day: datetime.date
) -> Explanation:
    """The policy explained afresh for one gap line's household (or person) the user sees."""
    compiled = policy_compiled(policy=policy, area=household.village, day=day)
    if person is not None:
        subject = Person.objects.visible_to(user).filter(pk=person.pk, household=household)
    else:
        subject = Household.objects.visible_to(user).filter(pk=household.pk)
    explanations = explain_rows(compiled, subject)
    if (person or household).pk not in explanations:
        raise Http404
    return explanations[(person or household).pk]


def enrolment_list(*, user: User, policy: Policy | None = None) -> QuerySet[Enrolment]:
    """Enrolments in the user's areas."""
    enrolments = Enrolment.objects.visible_to(user).select_related(
        "policy", "household", "household__village", "person"
    )
    if policy:
        enrolments = enrolments.filter(policy=policy)
    return enrolments.order_by("area_code", "policy__code", "household__number", "-starts_on", "pk")


def member_by_id_number(*, household: Household, id_number: str) -> Person | None:
    """The member of the household with this identity number, or None."""
    return household.members.filter(id_number_hash=identity_hash(id_number.upper())).first()


def care_list(
    *, user: User, policy: Policy, area: Area, day: datetime.date, limit: int = 1000
) -> list[Person]:
    """The persons (at most `limit`) of `care_list_query`, the helpers' phones masked where the
    user may not reveal them."""
    return care_list_masked(
        user=user, persons=care_list_query(user=user, policy=policy, area=area, day=day)[:limit]
    )


def care_list_masked(*, user: User, persons) -> list[Person]:
    """The persons of a care list with their helpers' phones masked where the user may not
    reveal them."""
    persons = list(persons)
    for person in persons:
        reveal = permissions.holds(user, Capability.REVEAL, person.household.area_code)
        person.helper_phone = phone_shown(person.helper_phone, reveal=reveal)
    return persons


def care_list_count(*, policy: Policy, area: Area, day: datetime.date, persons) -> int | None:
    """How many persons the care list has in the area: kept for each state of the county's data
    where the area is large (the count reads every person of the area), None to count the
    page's query. The area is one the user sees whole (`report_area`): the count is the area's,
    whoever asks."""
    if not isinstance(persons, QuerySet) or few_households([area.prefix]):
        return None
    return of_area(f"care-count:{policy.code}", area.prefix, persons.count, day=day, language="")


def care_list_query(
    *, user: User, policy: Policy, area: Area, day: datetime.date
) -> QuerySet[Person]:
    """The persons a care list's rule selects in the area the user sees, household by household,
    with their households, their household's helper on the day (the
    phone in full) and the date of the household's last visit."""
    compiled = policy_compiled(policy=policy, area=area, day=day)
    helpers = HouseholdHelper.objects.filter(
        household=OuterRef("household_id"), starts_on__lte=day
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    helpers = helpers.order_by("-starts_on")
    visits = Visit.objects.filter(household=OuterRef("household_id"), visited_on__lte=day)
    return (
        compiled.queryset()
        .visible_to(user)
        .select_related("household", "household__village")
        .annotate(
            helper_name=Subquery(helpers.values("name")[:1]),
            helper_unit=Subquery(helpers.values("unit")[:1]),
            helper_phone=Subquery(helpers.values("phone")[:1]),
            last_visit=Subquery(visits.order_by("-visited_on").values("visited_on")[:1]),
        )
        .order_by("household_id", "id")
    )


def helper_history(*, user: User, household: Household) -> list[HouseholdHelper]:
    """The helpers of a household the user sees, the current one first, each with
    `phone_shown`: the phone in full where the user may reveal it, masked otherwise."""
    reveal = permissions.holds(user, Capability.REVEAL, household.area_code)
    helpers = list(
        HouseholdHelper.objects.visible_to(user).filter(household=household).order_by("-starts_on")
    )
    for helper in helpers:
        helper.phone_shown = phone_shown(helper.phone, reveal=reveal)
    return helpers


def helper_current(*, user: User, household: Household) -> HouseholdHelper | None:
    """The household's helper now (see `helper_history`), or None."""
    return next((h for h in helper_history(user=user, household=household) if not h.ends_on), None)


def income_amounts(*, household: Household, year: int) -> dict[str, Decimal]:
    """What was typed of the household's income for the year, by kind: each line less what its
    income flows brought; a line that only flows made is left out."""
    return {
        line.kind: line.typed
        for line in household.income_lines.filter(year=year)
        if not (line.from_flows and not line.typed)
    }


def income_flows(*, household: Household, years: list[int]) -> list[IncomeFlow]:
    """The household's income flows in these years (what projects, assets, cooperatives and land
    paid it), by year, kind and source."""
    return list(household.income_flows.filter(year__in=years).order_by("-year", "kind", "label"))


def income_by_year(*, household: Household, years: list[int]) -> dict[int, dict[str, Decimal]]:
    """The household's recorded income for each of the years that has any, by kind."""
    lines: dict[int, dict[str, Decimal]] = {}
    for year, kind, amount in household.income_lines.filter(year__in=years).values_list(
        "year", "kind", "amount"
    ):
        lines.setdefault(year, {})[kind] = amount
    return lines


def medical_spending(*, household: Household, year: int) -> Decimal | None:
    """The household's out-of-pocket medical costs recorded for the year, or None."""
    row = household.spending.filter(year=year).first()
    return row.medical_out_of_pocket if row else None


def poverty_households(*, user: User, area: Area) -> QuerySet[Household]:
    """The households of a village the user sees that are (or were) poor or are monitored:
    every status but not poor."""
    return (
        Household.objects.visible_to(user)
        .filter(area_code=area.code)
        .exclude(status=HouseholdStatus.NOT_POOR)
    )


def exit_threshold(*, area: Area, year: int) -> Decimal | None:
    """The incidence (percent) under which the area's villages may exit, or None when unset."""
    return parameter_value(name="exit_incidence_percent", area_code=area.code, year=year)


def rule_latest(*, policy: Policy) -> PolicyRule | None:
    """The policy's newest rule version, whenever it is in force."""
    return policy.rules.order_by("-version").first()


def rule_match_count(*, user: User, policy: Policy, definition, day: datetime.date) -> int:
    """How many households (or persons) of the user's area the rule would select on the day.

    ValidationError when the rule does not compile; RuleError when it cannot be evaluated
    there (a parameter without a value, say)."""
    rule_check(policy=policy, definition=definition)
    compiled = compile_rule(
        definition,
        name=policy.code,
        subject=subject_of(policy),
        context=Context(area=report_area(user=user), day=day, income_basis=policy.income_basis),
    )
    return compiled.queryset().visible_to(user).count()


def rule_versions(*, policy: Policy) -> QuerySet[PolicyRule]:
    """Every version of the policy's rule, newest first."""
    return policy.rules.select_related("area").order_by("-version")


def parameter_area_list(*, user: User) -> QuerySet[Area]:
    """The areas whose parameters the user sets: where they keep rules, down to townships."""
    prefixes = permissions.prefixes(user, Capability.KEEP_RULES)
    return Area.objects.within(prefixes).filter(level__lte=Level.TOWNSHIP)


def rule_area_list(*, user: User) -> QuerySet[Area]:
    """The counties (and areas above them) where the user keeps rules: where a version of
    their own may be saved."""
    prefixes = permissions.prefixes(user, Capability.KEEP_RULES)
    return Area.objects.within(prefixes).filter(level__lte=Level.COUNTY).exclude(code="")


def _areas_and_above(areas: QuerySet[Area]) -> set[str]:
    codes = set(areas.values_list("code", flat=True))
    return codes | {code[:n].ljust(12, "0") for code in codes for n in (2, 4, 6, 9)}


def parameter_list(*, user: User, year: int) -> list[Parameter]:
    """The year's parameters of the areas whose parameters the user sets and of the areas
    above them, each labelled (`label`) with its catalogue name."""
    names = parameter_names()
    parameters = list(
        Parameter.objects.filter(
            area__code__in=_areas_and_above(parameter_area_list(user=user)), year=year
        )
        .select_related("area")
        .order_by("name", "area__code")
    )
    for parameter in parameters:
        parameter.label = names.get(parameter.name, parameter.name)
    return parameters


def parameter_history(*, user: User, limit: int = 30) -> list:
    """The latest changes to those parameters, newest first, with who made them, each labelled
    (`label`) with its catalogue name."""
    names = parameter_names()
    changes = list(
        Parameter.history.filter(area__code__in=_areas_and_above(parameter_area_list(user=user)))
        .select_related("history_user", "area")
        .order_by("-history_date")[:limit]
    )
    for change in changes:
        change.label = names.get(change.name, change.name)
    return changes


def monitored_list(
    *, user: User, year: int, area: Area | None = None
) -> QuerySet[MonitoredHousehold]:
    """Monitoring cases open during the year (those opened in earlier years and still open are
    carried over) in the user's areas (and within the area, when given), with steps and
    measures."""
    cases = MonitoredHousehold.objects.visible_to(user).filter(open_in_year(year))
    if area is not None:
        cases = cases.within([area.prefix])
    return (
        cases.select_related("household", "household__village", "household__group")
        .prefetch_related("steps", "measures")
        .order_by("area_code", "household_id", "pk")
    )


def monitored_get(*, user: User, pk: int) -> MonitoredHousehold:
    """One monitoring case in the user's areas; 404 outside them."""
    return get_visible_or_404(
        MonitoredHousehold.objects.select_related("household", "household__village"),
        user=user,
        pk=pk,
    )


def step_get(*, monitored: MonitoredHousehold, pk) -> ProcedureStep:
    """One recorded step of the case; 404 when the case has no such step."""
    return _one_or_404(monitored.steps.all(), pk)


def measure_get(*, monitored: MonitoredHousehold, pk) -> Measure:
    """One measure of the case; 404 when the case has no such measure."""
    return _one_or_404(monitored.measures.all(), pk)


def _one_or_404(queryset, pk):
    try:
        row = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    if row is None:
        raise Http404
    return row


def monitored_history(*, monitored: MonitoredHousehold) -> list[dict]:
    """The case's changes, newest first: the case itself, its steps and its measures."""
    return texts.case_history_entries(
        cases=monitored.history.select_related("history_user"),
        steps=ProcedureStep.history.filter(monitored_id=monitored.pk).select_related(
            "history_user"
        ),
        measures=Measure.history.filter(monitored_id=monitored.pk).select_related("history_user"),
    )
