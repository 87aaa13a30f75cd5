"""Writes of welfare: the shipped catalogue, rule versions, parameters, enrolments, gap checks."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.core.saving import validated_save
from villagedesk.core.sealing import identity_hash
from villagedesk.core.spreadsheets import sheet_rows
from villagedesk.fieldwork import services as fieldwork
from villagedesk.fieldwork.codes import OPEN_STATUSES, ProblemCategory
from villagedesk.fieldwork.models import Problem
from villagedesk.registry.changes import data_changed
from villagedesk.registry.identity import check_phone
from villagedesk.registry.models import Household, Person
from villagedesk.registry.services import NUMBER_UNUSABLE
from villagedesk.welfare import texts
from villagedesk.welfare.catalogue import SHIPPED
from villagedesk.welfare.codes import BenefitUnit, GapKind
from villagedesk.welfare.models import (
    Enrolment,
    GapCheck,
    GapReferral,
    HouseholdHelper,
    HouseholdSpending,
    IncomeFlow,
    IncomeLine,
    Parameter,
    Policy,
    PolicyRule,
)
from villagedesk.welfare.rules import Explanation, RuleError, compile_rule

SHIPPED_FROM = datetime.date(2021, 1, 1)


def subject_of(policy: Policy) -> str:
    """What the policy's rule selects: persons or households."""
    return "person" if policy.benefit_unit == BenefitUnit.PERSON else "household"


@transaction.atomic
def catalogue_load() -> tuple[int, int]:
    """Create or update the shipped policies; a changed shipped rule becomes a new version.

    Returns (policies created, rule versions added). Running it twice changes nothing."""
    created = versions = changed = 0
    for entry in SHIPPED:
        fields = {k: v for k, v in entry.items() if k not in {"code", "rule"}}
        before = Policy.objects.filter(code=entry["code"]).values(*fields).first()
        policy, was_created = Policy.objects.update_or_create(code=entry["code"], defaults=fields)
        created += was_created
        # What a policy counts (its unit, its income) changes the figures as its rule does.
        changed += before is not None and before != fields
        compile_rule(entry["rule"], name=policy.code, subject=subject_of(policy))
        latest = policy.rules.filter(area__isnull=True).order_by("-version").first()
        if latest is None or latest.definition != entry["rule"]:
            newest = policy.rules.order_by("-version").first()
            PolicyRule.objects.create(
                policy=policy,
                version=(newest.version + 1) if newest else 1,
                effective_from=SHIPPED_FROM if latest is None else timezone.localdate(),
                definition=entry["rule"],
            )
            versions += 1
    if versions or changed:
        data_changed(everywhere=True)
    return created, versions


def rule_check(*, policy: Policy, definition) -> None:
    """Raise ValidationError with the compiler's message when the rule does not compile."""
    try:
        compile_rule(definition, name=policy.code, subject=subject_of(policy))
    except RuleError as error:
        raise ValidationError(str(error)) from None


@transaction.atomic
def rule_save(
    *,
    by: User,
    policy: Policy,
    definition,
    effective_from: datetime.date,
    area: Area | None = None,
) -> PolicyRule:
    """Save a new version of the policy's rule for the area (a county's own version, which
    applies in its areas only) or, without an area, of the default every other area uses; in
    force from the date, the area's previous version ending the day before. Only an
    administrator changes the default; a county's version needs the right to keep rules there."""
    if area is None:
        if not permissions.keeps_default_rules(by):
            raise PermissionDenied
    else:
        permissions.require(by, Capability.KEEP_RULES, area.code)
    rule_check(policy=policy, definition=definition)
    versions = policy.rules.select_for_update()
    previous = versions.filter(area=area).order_by("-version").first()
    if previous and previous.effective_from >= effective_from:
        raise ValidationError(
            _("A new version must start after the current one (from %(day)s).")
            % {"day": previous.effective_from.isoformat()}
        )
    if previous and previous.effective_to is None:
        previous.effective_to = effective_from - datetime.timedelta(days=1)
        validated_save(previous, by=by, update_fields=["effective_to"])
    latest = versions.order_by("-version").first()
    rule = PolicyRule(
        policy=policy,
        version=(latest.version + 1) if latest else 1,
        effective_from=effective_from,
        definition=definition,
        created_by=by,
        area=area,
    )
    validated_save(rule, by=by)
    if area is None:
        data_changed(everywhere=True)
    else:
        data_changed([area.prefix])
    return rule


# Parameters counted in days must be whole and positive; a percentage lies between 0 and 100.
DAY_PARAMETERS = frozenset({"notice_days", "decision_days", "measure_days"})
PERCENT_PARAMETERS = frozenset({"exit_incidence_percent"})


def parameter_check(*, name: str, value: Decimal) -> None:
    """Refuse a value the parameter cannot take (days, percentages, negatives)."""
    if name in DAY_PARAMETERS and (value != value.to_integral_value() or value < 1):
        raise ValidationError({"value": _("A number of days is a whole number of at least 1.")})
    if name in PERCENT_PARAMETERS and not 0 <= value <= 100:
        raise ValidationError({"value": _("A percentage lies between 0 and 100.")})
    if value < 0:
        raise ValidationError({"value": _("A parameter is never negative.")})


@transaction.atomic
def parameter_set(
    *, by: User, name: str, area: Area, year: int, value, note: str | None = None
) -> Parameter:
    """Set a local figure for an area and year (replacing the one there was); every change is
    kept in the parameter's history with who made it. Only those who keep the rules over the
    area set it."""
    permissions.require(by, Capability.KEEP_RULES, area.code)
    parameter = Parameter.objects.select_for_update().filter(
        name=name, area=area, year=year
    ).first() or Parameter(name=name, area=area, year=year)
    parameter_check(name=name, value=Decimal(value))
    if parameter.pk and parameter.value == Decimal(value) and note in (None, parameter.note):
        return parameter
    parameter.value = value
    if note is not None:
        parameter.note = note
    validated_save(parameter, by=by)
    data_changed([area.prefix])
    return parameter


@transaction.atomic
def enrolment_create(*, by: User, enrolment: Enrolment) -> Enrolment:
    """Record an enrolment in a household the user keeps; an identical open one is refused."""
    permissions.require(by, Capability.KEEP_REGISTRY, enrolment.household.area_code)
    duplicate = Enrolment.objects.filter(
        policy=enrolment.policy,
        household=enrolment.household,
        person=enrolment.person,
        starts_on=enrolment.starts_on,
    ).exists()
    if duplicate:
        raise ValidationError(_("This enrolment is already recorded."))
    validated_save(enrolment, by=by)
    data_changed([enrolment.household.area_code])
    return enrolment


def enrolment_rows(upload) -> list[dict[str, str]]:
    """The list civil affairs sends, read from an uploaded workbook's first sheet: one dict per
    non-empty row, keyed by the header row. The file is measured before it is read:
    SpreadsheetRefused (a ValidationError) for one too large or unreadable."""
    rows = sheet_rows(upload)
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]


def _cell(row: dict, *names: str) -> str:
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _date(text) -> datetime.date | None:
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    text = str(text or "").strip().replace("/", "-").replace(".", "-")
    return datetime.date.fromisoformat(text) if text else None


@transaction.atomic
def enrolment_import(*, by: User, policy: Policy, rows: list[dict]) -> tuple[int, list[str]]:
    """Import the list civil affairs sends: one row per recipient, matched by identity number
    (person policies and household heads) or by village code and household number.

    All or nothing: any bad row aborts the import and every problem is reported by row."""
    created, errors = 0, []
    for number, row in enumerate(rows, start=2):
        id_number = _cell(row, "身份证号", "identity number", "id_number").upper()
        try:
            # Unknown and outside the user's areas get one answer, so that a list cannot be
            # used to learn who is registered where.
            person = None
            if id_number:
                person = (
                    Person.objects.select_related("household")
                    .filter(id_number_hash=identity_hash(id_number))
                    .first()
                )
                household = person.household if person else None
                unknown = NUMBER_UNUSABLE
            else:
                household = Household.objects.filter(
                    area_code=_cell(row, "村代码", "village code", "area_code"),
                    number=_cell(row, "户编号", "household number", "number"),
                ).first()
                unknown = _("no household with this village code and number in your areas")
            if household is None or not permissions.holds(
                by, Capability.KEEP_REGISTRY, household.area_code
            ):
                raise ValidationError(unknown)
            amount_text = _cell(row, "金额", "amount")
            enrolment = Enrolment(
                policy=policy,
                household=household,
                person=person if policy.benefit_unit == BenefitUnit.PERSON else None,
                starts_on=_date(_cell(row, "开始日期", "from", "starts_on")),
                ends_on=_date(_cell(row, "结束日期", "until", "ends_on")),
                amount=Decimal(amount_text) if amount_text else None,
            )
            if Enrolment.objects.filter(
                policy=policy,
                household=household,
                person=enrolment.person,
                starts_on=enrolment.starts_on,
            ).exists():
                continue
            validated_save(enrolment, by=by)
            data_changed([household.area_code])
            created += 1
        except ValidationError as error:
            errors.append(
                _("Row %(row)s: %(error)s") % {"row": number, "error": "; ".join(error.messages)}
            )
        except (ValueError, InvalidOperation, TypeError):
            errors.append(_("Row %(row)s: a date or amount cannot be read") % {"row": number})
    if errors:
        transaction.set_rollback(True)
        return 0, errors
    return created, []


@transaction.atomic
def gap_check(
    *,
    by: User,
    policy: Policy,
    household: Household,
    person: Person | None,
    kind: GapKind,
    reason: str,
    fingerprint: str,
    rule: PolicyRule | None = None,
) -> GapCheck:
    """Mark a gap-report line as checked with a reason and the rule version it was checked
    against; it holds while the data is unchanged."""
    permissions.require(by, Capability.KEEP_REGISTRY, household.area_code)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this line is in order.")})
    GapCheck.objects.filter(policy=policy, household=household, person=person, kind=kind).delete()
    check = GapCheck(
        policy=policy,
        household=household,
        person=person,
        kind=kind,
        reason=reason.strip(),
        fingerprint=fingerprint,
        checked_by=by,
        rule=rule,
    )
    validated_save(check, by=by)
    return check


@transaction.atomic
def gap_refer(
    *,
    by: User,
    policy: Policy,
    household: Household,
    person: Person | None,
    kind: GapKind,
    explanation: Explanation,
    due_on: datetime.date | None = None,
) -> Problem:
    """Turn a gap-report line into a fieldwork problem; with a due date it is a follow-up owned
    by the user, which fieldwork lists among the items due. The explanation is the policy
    evaluated afresh for the line's household (or person): a line no longer in the report is
    refused, and the conditions it fails are written into the problem.

    A line whose problem is still open is not referred again: the open problem is returned, so a
    repeated submit creates nothing. The household row is locked so that two submits at once
    cannot both pass that test."""
    if explanation.eligible != (kind == GapKind.ELIGIBLE_NOT_ENROLLED):
        raise ValidationError(_("This line is no longer in the gap report."))
    Household.objects.select_for_update().filter(pk=household.pk).first()
    earlier = GapReferral.objects.filter(
        policy=policy,
        household=household,
        person=person,
        kind=kind,
        problem__status__in=OPEN_STATUSES,
    ).first()
    if earlier is not None:
        return earlier.problem
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("A follow-up cannot be due in the past.")})
    problem = Problem(
        village=household.village,
        title=texts.referral_title(policy=policy, kind=kind, household=household, person=person),
        description=texts.referral_description(
            policy=policy,
            kind=kind,
            failing=texts.failing_statements(texts.failing_lines(explanation)),
        ),
        category=ProblemCategory.POLICY,
        owner=by if due_on else None,
        due_on=due_on,
    )
    fieldwork.problem_create(
        by=by, problem=problem, households=[household], persons=[person] if person else []
    )
    referral = GapReferral(
        policy=policy, household=household, person=person, kind=kind, problem=problem
    )
    validated_save(referral, by=by)
    return problem


@transaction.atomic
def helper_set(
    *,
    by: User,
    household: Household,
    name: str,
    unit: str,
    phone: str,
    starts_on: datetime.date,
) -> HouseholdHelper:
    """Name the household's helper from a day on; the current pairing ends the day before.

    Submitting the current helper again changes nothing."""
    permissions.require(by, Capability.KEEP_REGISTRY, household.area_code)
    current = (
        HouseholdHelper.objects.select_for_update()
        .filter(household=household, ends_on__isnull=True)
        .first()
    )
    try:
        phone = check_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    name, unit = name.strip(), unit.strip()
    if current and (current.name, current.unit, current.phone) == (name, unit, phone):
        return current
    if current and starts_on <= current.starts_on:
        raise ValidationError(
            {
                "starts_on": _("The new helper must start after the current one (from %(day)s).")
                % {"day": current.starts_on.isoformat()}
            }
        )
    helper = HouseholdHelper(
        household=household, name=name, unit=unit, phone=phone, starts_on=starts_on, set_by=by
    )
    if current:
        current.ends_on = starts_on - datetime.timedelta(days=1)
        validated_save(current, by=by, update_fields=["ends_on"])
    validated_save(helper, by=by)
    return helper


@transaction.atomic
def income_set(
    *, by: User, household: Household, year: int, amounts: dict[str, Decimal | None]
) -> None:
    """Replace the typed part of the household's income lines for the year: a kind given no
    amount loses its typed part, and its line goes when no income flow holds it, so that "not
    recorded" stays distinguishable from zero. What income flows brought (`income_flow_set`)
    stays on the line, added to what was typed."""
    permissions.require(by, Capability.KEEP_REGISTRY, household.area_code)
    for kind, amount in amounts.items():
        line = IncomeLine.objects.filter(household=household, year=year, kind=kind).first()
        if amount is None and (line is None or not line.from_flows):
            IncomeLine.objects.filter(household=household, year=year, kind=kind).delete()
            continue
        line = line or IncomeLine(household=household, year=year, kind=kind)
        line.amount = (amount or Decimal(0)) + line.from_flows
        validated_save(line, by=by)
    data_changed([household.area_code])


def _income_line_refresh(*, by: User, household: Household, year: int, kind: str) -> None:
    """Make the line's flow part the sum of its flows, keeping its typed part; a line with
    neither flows nor anything typed goes."""
    flows = IncomeFlow.objects.filter(household=household, year=year, kind=kind).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    # SQLite sums decimals as floats (333.33 comes back as 333.3299999…): back to the fen.
    flows = flows.quantize(Decimal("0.01"))
    line = (
        IncomeLine.objects.select_for_update()
        .filter(household=household, year=year, kind=kind)
        .first()
    )
    if line is None:
        if flows:
            line = IncomeLine(household=household, year=year, kind=kind, amount=flows)
            line.from_flows = flows
            validated_save(line, by=by)
        return
    # A line with flows whose typed part is nothing was made by the flows alone.
    typed = line.typed
    made_by_flows = line.from_flows > 0 and typed == 0
    if not flows and made_by_flows:
        line.delete()
        return
    line.amount = typed + flows
    line.from_flows = flows
    validated_save(line, by=by)


@transaction.atomic
def income_flow_set(
    *,
    by: User,
    household: Household,
    year: int,
    kind: str,
    source_key: str,
    label: str,
    amount: Decimal | None,
    link: str = "",
) -> IncomeFlow | None:
    """Record what one source paid a household in a year, as part of its income line.

    For apps above welfare whose records pay households: project wages, the income of project
    assets distributed to households, cooperative dividends, land rent. `source_key` names the
    paying record once and for all (e.g. "projects.wage:17", "economy.dividend:4"): calling again
    with the same key replaces that source's amount (and household, year or kind) instead of
    adding a second flow, so saving the source twice counts it once. An amount of None or 0
    removes the source's flow. The household's `IncomeLine` of that year and kind (`kind` an
    `IncomeKind` value: wages → WAGE, dividends, rent and asset income → PROPERTY) is kept equal
    to what was typed on the income form plus the sum of its flows: it is made when the first
    flow arrives, and goes with the last flow unless something was typed on it. A typed amount
    is never overwritten. `label` is what the household's pages show as the source ("from …"),
    `link` the path of the source's page. Returns the flow, or None when removed."""
    permissions.require(by, Capability.KEEP_REGISTRY, household.area_code)
    previous = IncomeFlow.objects.select_for_update().filter(source_key=source_key).first()
    touched = {(household.pk, year, kind)}
    if previous is not None:
        touched.add((previous.household_id, previous.year, previous.kind))
    flow = None
    if not amount:
        if previous is not None:
            previous.delete()
    else:
        flow = previous or IncomeFlow(source_key=source_key)
        flow.household = household
        flow.year = year
        flow.kind = kind
        flow.amount = amount
        flow.label = label[:200]
        flow.link = link
        validated_save(flow, by=by)
    codes = set()
    for household_pk, line_year, line_kind in sorted(touched):
        line_household = (
            household if household_pk == household.pk else Household.objects.get(pk=household_pk)
        )
        _income_line_refresh(by=by, household=line_household, year=line_year, kind=line_kind)
        codes.add(line_household.area_code)
    data_changed(sorted(codes))
    return flow


@transaction.atomic
def spending_set(
    *, by: User, household: Household, year: int, medical_out_of_pocket: Decimal | None
) -> None:
    """Record the household's out-of-pocket medical costs for the year; none removes them, so
    that "not recorded" stays distinguishable from zero."""
    permissions.require(by, Capability.KEEP_REGISTRY, household.area_code)
    data_changed([household.area_code])
    if medical_out_of_pocket is None:
        HouseholdSpending.objects.filter(household=household, year=year).delete()
        return
    row = HouseholdSpending.objects.filter(household=household, year=year).first()
    row = row or HouseholdSpending(household=household, year=year)
    row.medical_out_of_pocket = medical_out_of_pocket
    validated_save(row, by=by)
