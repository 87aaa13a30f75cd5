"""The compiler: a rule to one ORM query, with the expressions explain reads."""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from villagedesk.registry.models import Household, Person
from villagedesk.welfare.codes import IncomeBasis
from villagedesk.welfare.parameters import parameter_known, parameter_values
from villagedesk.welfare.rules.dates import IncomeWindow, years_before
from villagedesk.welfare.rules.describe import Described
from villagedesk.welfare.rules.language import (
    AGE,
    BOOL,
    CODE,
    DATE,
    NUMBER,
    OPS,
    OPS_BY_TYPE,
    PERSON_FIELDS,
    UNKNOWN,
    Context,
    FieldDef,
    HouseholdRef,
    Membership,
    RuleError,
    field_catalogue,
    json_text,
)

# Databases whose income and member views carry the household's area code (`income_sql`).
AREA_JOINS = {"postgresql"}


@dataclass
class Leaf:
    """One comparison, with the expressions explain reads."""

    path: str
    label: str
    op: str
    raw: object
    value: Expression
    expected: Expression | None
    condition: Q
    type: str
    field: FieldDef | None
    depth: int
    # Two-valued forms for the selection, by polarity (see `selection`); None: use `condition`.
    when_positive: Q | None = None
    when_negative: Q | None = None
    # A never-unknown flag's membership, and whether the leaf tests its absence (see `selection`).
    membership: Membership | None = None
    absent: bool = False


@dataclass
class Group:
    path: str
    kind: str
    children: list = field(default_factory=list)
    condition: Q = field(default_factory=Q)
    depth: int = 0


class Compiler:
    """Compiles one rule for one subject and context; raises RuleError on the first fault."""

    def __init__(
        self, *, rule_name: str, subject: str, context: Context | None, within: str | None = None
    ):
        self.rule_name = rule_name
        self.subject = subject
        self.context = context
        # The prefix of the area whose rows the rule is read on: joined figures are grouped for
        # its households only (see `income_relation`), where the views carry the area code.
        self.within = None
        if context is not None and connection.vendor in AREA_JOINS:
            self.within = context.area.prefix if within is None else within
        self.leaves: list[Leaf] = []
        # Whether some comparison may be unknown (a nullable value, a blank that means missing).
        self.may_be_unknown = False
        self.parameters_used: dict[str, Expression] = {}
        # Joined relations the expressions name (see `income_relation`); every queryset that
        # reads the expressions takes them as aliases.
        self.relations: dict[str, FilteredRelation] = {}

    def fail(self, message: str, part: str):
        raise RuleError(message, rule=self.rule_name, part=part.lstrip("."))

    # -- the tree ------------------------------------------------------------------------------

    def node(self, node, part: str, *, depth: int = 0, members: bool = False) -> Leaf | Group:
        if not isinstance(node, dict):
            self.fail(_("a condition must be an object"), part)
        keys = set(node)
        if keys & {"all", "any"}:
            kind = "all" if "all" in keys else "any"
            if keys - {kind}:
                self.fail(
                    _("unexpected keys %(keys)s") % {"keys": ", ".join(sorted(keys - {kind}))}, part
                )
            items = node[kind]
            if not isinstance(items, list) or not items:
                self.fail(_("“%(kind)s” takes a non-empty list") % {"kind": kind}, part)
            group = Group(part, kind, depth=depth)
            for i, child in enumerate(items):
                group.children.append(
                    self.node(
                        child, f"{part}.{kind}[{i}]".lstrip("."), depth=depth + 1, members=members
                    )
                )
            condition = group.children[0].condition
            for child in group.children[1:]:
                condition = (
                    condition & child.condition if kind == "all" else condition | child.condition
                )
            group.condition = condition
            return group
        if "not" in keys:
            if keys != {"not"}:
                self.fail(_("“not” takes exactly one condition"), part)
            group = Group(part, "not", depth=depth)
            group.children.append(
                self.node(node["not"], f"{part}.not".lstrip("."), depth=depth + 1, members=members)
            )
            # ~Q of a lookup expression is SQL NOT, which keeps unknown unknown.
            group.condition = ~group.children[0].condition
            return group
        if "count" in keys or "sum" in keys:
            if members:
                self.fail(_("counts and sums cannot be nested inside a member condition"), part)
            return self.aggregate(node, part, depth)
        if "field" in keys:
            return self.comparison(node, part, depth, members=members)
        self.fail(
            _("expected one of all, any, not, field, count or sum, got %(keys)s")
            % {"keys": ", ".join(sorted(keys)) or "{}"},
            part,
        )

    # -- comparisons ---------------------------------------------------------------------------

    def comparison(self, node, part: str, depth: int, *, members: bool) -> Leaf:
        allowed = {"field", "op", "value"}
        if set(node) - allowed:
            self.fail(
                _("unexpected keys %(keys)s") % {"keys": ", ".join(sorted(set(node) - allowed))},
                part,
            )
        name = node["field"]
        fields = PERSON_FIELDS if members else field_catalogue(self.subject)
        if name not in fields:
            self.fail(_("unknown field “%(field)s”") % {"field": name}, f"{part}.field")
        definition = fields[name]
        ref = self.household_ref(name)
        value = definition.build(self, ref)
        if definition.blank_is_missing:
            value = NullIf(value, Value(""))
        leaf = self.compare(
            node,
            part,
            depth,
            value=value,
            type_=definition.type,
            definition=definition,
            label=definition.label,
        )
        if self.subject == "person" and name.startswith("household.") and definition.type == NUMBER:
            self.via_households(leaf, node, part, depth)
        if definition.holds is not None and node.get("op") in {"=", "!="}:
            # A flag that is never unknown, CASE WHEN test THEN true ELSE false: select by the
            # test, or its negation, which the database plans as a join, a semi-join or an
            # anti-join where it cannot see through the CASE.
            holds = definition.holds(self, ref)
            wanted = (node["value"] is True) == (node["op"] == "=")
            leaf.when_positive = leaf.when_negative = holds if wanted else negation(holds)
        if definition.selects is not None and node.get("op") in {"=", "!="}:
            # A flag that is never unknown and has a plain membership test: select by it.
            leaf.membership = definition.selects(self, ref)
            leaf.absent = (node["value"] is True) != (node["op"] == "=")
            selected = leaf.membership.q()
            leaf.when_positive = leaf.when_negative = ~selected if leaf.absent else selected
        return leaf

    def via_households(self, leaf: Leaf, node, part: str, depth: int) -> None:
        """A household figure on a person rule, selected as "household in (households whose
        figure passes)": computed once per household instead of once per member."""
        if self.context is None:
            return
        inner = Compiler(
            rule_name=self.rule_name, subject="household", context=self.context, within=self.within
        )
        on_household = {**node, "field": node["field"].removeprefix("household.")}
        condition = inner.comparison(on_household, part, depth, members=False).condition
        if inner.relations:
            # The figure comes from a joined view: joined to each member's household it costs a
            # join, and as an IN list under an OR PostgreSQL may rerun the view for every row.
            return
        households = Household.objects.within([self.context.area.prefix]).order_by()
        leaf.when_positive = Q(household_id__in=households.filter(condition).values("pk"))
        # NOT EXISTS rather than NOT IN: an anti-join on PostgreSQL, where NOT IN over a county's
        # households would scan the whole list for every member once it no longer fits in memory.
        failing = households.filter(~condition, pk=OuterRef("household_id"))
        leaf.when_negative = ~Q(Exists(failing))

    def income_relation(self, ref: HouseholdRef, *, year: int) -> str:
        """The household's row of `HouseholdIncome` for the year, joined (LEFT JOIN): a rule's
        income joins one row per year its window overlaps.

        The join also names the area the rule is read on, by the view's own area code: that
        condition passes through the view's grouping, so that only the area's income lines are
        grouped (a household outside the area reads no income)."""
        name = f"{ref.prefix.replace('__', '_')}income_{year}"
        self.relations[name] = FilteredRelation(
            f"{ref.prefix}income_totals",
            condition=Q(**{f"{ref.prefix}income_totals__year": year})
            & self.in_area(ref, "income_totals"),
        )
        return name

    def size_relation(self, ref: HouseholdRef) -> str:
        """The household's row of `HouseholdSize`, joined (LEFT JOIN) like the income rows: the
        members of the area's households only are counted."""
        name = f"{ref.prefix.replace('__', '_')}size"
        self.relations[name] = FilteredRelation(
            f"{ref.prefix}member_count", condition=self.in_area(ref, "member_count")
        )
        return name

    def in_area(self, ref: HouseholdRef, relation: str) -> Q:
        if self.within is None:
            return Q()
        return Q(**{f"{ref.prefix}{relation}__area_code__startswith": self.within})

    def household_ref(self, name: str) -> HouseholdRef | None:
        if self.subject == "household":
            return HouseholdRef(prefix="", pk="pk")
        if name.startswith("household."):
            return HouseholdRef(prefix="household__", pk="household_id")
        return None

    def compare(self, node, part, depth, *, value, type_, definition, label) -> Leaf:
        op = node.get("op")
        if op not in OPS:
            self.fail(_("unknown operator “%(op)s”") % {"op": op}, f"{part}.op")
        if op not in OPS_BY_TYPE[type_]:
            self.fail(
                _("operator “%(op)s” does not apply to %(field)s")
                % {"op": op, "field": definition.name},
                f"{part}.op",
            )
        vpart = f"{part}.value"
        if op in {"empty", "not_empty"}:
            if "value" in node:
                self.fail(_("“%(op)s” takes no value") % {"op": op}, vpart)
            is_empty = Q(IsNull(value, True))
            if type_ == CODE:
                is_empty |= Q(Exact(value, Value("")))
            condition = is_empty if op == "empty" else ~is_empty
            return self.leaf(
                part, label, op, None, value, None, condition, type_, definition, depth
            )
        if "value" not in node:
            self.fail(_("a value is needed"), vpart)
        raw = node["value"]
        if type_ == AGE:
            return self.age(part, label, op, raw, value, definition, depth)
        if op == "in":
            if not isinstance(raw, list) or not raw:
                self.fail(_("“in” takes a non-empty list"), vpart)
            items = [
                self.literal(v, type_, definition, f"{vpart}[{i}]", allow_param=False)
                for i, v in enumerate(raw)
            ]
            condition = Q(In(value, [i.value for i in items]))
            return self.leaf(part, label, op, raw, value, None, condition, type_, definition, depth)
        if op == "between":
            if not isinstance(raw, list) or len(raw) != 2:
                self.fail(_("“between” takes a list of two values"), vpart)
            low = self.literal(raw[0], type_, definition, f"{vpart}[0]")
            high = self.literal(raw[1], type_, definition, f"{vpart}[1]")
            condition = Q(GreaterThanOrEqual(value, low)) & Q(LessThanOrEqual(value, high))
            return self.leaf(part, label, op, raw, value, None, condition, type_, definition, depth)
        expected = self.literal(raw, type_, definition, vpart)
        lookup = {
            "=": Exact,
            "!=": Exact,
            "<": LessThan,
            "<=": LessThanOrEqual,
            ">": GreaterThan,
            ">=": GreaterThanOrEqual,
        }[op]
        condition = Q(lookup(value, expected))
        if op == "!=":
            # SQL NOT (a = b) with a unknown stays unknown.
            condition = ~condition
        return self.leaf(part, label, op, raw, value, expected, condition, type_, definition, depth)

    def age(self, part, label, op, raw, birth_date, definition, depth) -> Leaf:
        """Age on the context's day, compiled to birth-date bounds (portable and indexable)."""
        vpart = f"{part}.value"

        def years(v, at):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                self.fail(_("an age is compared with a whole number of years"), at)
            return v

        day = self.day(part)

        def at_least(n):  # age >= n
            return Q(LessThanOrEqual(birth_date, Value(years_before(day, n))))

        def below(n):  # age < n
            return Q(GreaterThan(birth_date, Value(years_before(day, n))))

        if op == "between":
            if not isinstance(raw, list) or len(raw) != 2:
                self.fail(_("“between” takes a list of two values"), vpart)
            low, high = years(raw[0], f"{vpart}[0]"), years(raw[1], f"{vpart}[1]")
            condition = at_least(low) & below(high + 1)
        else:
            n = years(raw, vpart)
            condition = {
                ">=": lambda: at_least(n),
                ">": lambda: at_least(n + 1),
                "<": lambda: below(n),
                "<=": lambda: below(n + 1),
                "=": lambda: at_least(n) & below(n + 1),
                "!=": lambda: ~(at_least(n) & below(n + 1)),
            }[op]()
        return self.leaf(part, label, op, raw, birth_date, None, condition, AGE, definition, depth)

    def day(self, part: str = "") -> datetime.date:
        return self.context.day if self.context else timezone.localdate()

    @property
    def year(self) -> int:
        return self.day().year

    @property
    def window(self) -> IncomeWindow:
        """The 12 months before the day, over which income is counted."""
        return IncomeWindow(self.day())

    @property
    def income_basis(self) -> str:
        return self.context.income_basis if self.context else IncomeBasis.FULL

    def literal(self, raw, type_, definition, part, *, allow_param=True) -> Expression:
        if isinstance(raw, dict):
            if not allow_param or set(raw) not in ({"param"}, {"param", "times"}):
                self.fail(_('a value is a literal or {"param": name}'), part)
            value = self.parameter(raw["param"], type_, part)
            if "times" not in raw:
                return value
            # A multiple of a local figure (the 低保边缘 line: a multiple of the 低保 standard).
            factor = raw["times"]
            if isinstance(factor, dict) and set(factor) == {"param"}:
                factor = self.parameter(factor["param"], NUMBER, f"{part}.times")
            elif isinstance(factor, int | float) and not isinstance(factor, bool):
                factor = Value(float(factor), output_field=FloatField())
            else:
                self.fail(_('“times” takes a number or {"param": name}'), f"{part}.times")
            return ExpressionWrapper(value * factor, output_field=FloatField())
        if type_ == NUMBER:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                self.fail(
                    _("a number is expected, not %(value)s") % {"value": json_text(raw)}, part
                )
            if isinstance(raw, int):
                # An integer stays one: a float literal makes PostgreSQL cast every row's
                # integer column to numeric before comparing.
                return Value(raw, output_field=IntegerField())
            return Value(float(raw), output_field=FloatField())
        if type_ == DATE:
            try:
                return Value(datetime.date.fromisoformat(raw))
            except (TypeError, ValueError):
                self.fail(
                    _("a date (YYYY-MM-DD) is expected, not %(value)s") % {"value": json_text(raw)},
                    part,
                )
        if type_ == BOOL:
            if not isinstance(raw, bool):
                self.fail(
                    _("true or false is expected, not %(value)s") % {"value": json_text(raw)}, part
                )
            return Value(raw)
        if type_ == CODE:
            codes = {c.value for c in definition.choices}
            if raw not in codes:
                self.fail(
                    _("“%(value)s” is not a code of %(field)s")
                    % {"value": raw, "field": definition.name},
                    part,
                )
            return Value(raw)
        self.fail(_("this field takes no value"), part)

    def parameter(self, name, type_, part) -> Expression:
        """The parameter for each row's most specific area, as one CASE over the area codes.

        Values are few (one per area that sets one), so they are read once here; a value must
        exist at or above the evaluated area, or the rule cannot be evaluated there."""
        if type_ != NUMBER:
            self.fail(
                _("parameters are numbers and cannot be compared with %(type)s") % {"type": type_},
                part,
            )
        if not parameter_known(name):
            self.fail(_("unknown parameter “%(name)s”") % {"name": name}, part)
        if self.context is None:
            return Value(0.0, output_field=FloatField())
        prefix = self.context.area.prefix
        values = parameter_values(name=name, year=self.context.year)
        default = values.at(prefix)
        if default is None:
            self.fail(
                _("parameter “%(name)s” has no value for %(year)s in %(area)s or above")
                % {"name": name, "year": self.context.year, "area": self.context.area.name},
                part,
            )
        # Households and persons both carry their village's code.
        whens = [
            When(area_code__startswith=p, then=Value(float(v)))
            for p, v in sorted(values.below(prefix).items(), key=lambda pv: -len(pv[0]))
        ]
        expression = (
            Case(*whens, default=Value(float(default)), output_field=FloatField())
            if whens
            else Value(float(default), output_field=FloatField())
        )
        self.parameters_used[name] = expression
        return expression

    def optional_parameter(self, name: str) -> Expression | None:
        """A parameter the rule reads only where the area sets it: None when it has no value
        at or above the evaluated area."""
        if self.context is None:
            return None
        values = parameter_values(name=name, year=self.context.year)
        if values.at(self.context.area.prefix) is None:
            return None
        return self.parameter(name, NUMBER, "")

    # -- counts and sums over members ----------------------------------------------------------

    def aggregate(self, node, part, depth) -> Leaf:
        kind = "count" if "count" in node else "sum"
        allowed = {kind, "op", "value"} | ({"where"} if kind == "sum" else set())
        if set(node) - allowed:
            self.fail(
                _("unexpected keys %(keys)s") % {"keys": ", ".join(sorted(set(node) - allowed))},
                part,
            )
        ref = (
            HouseholdRef(prefix="", pk="pk")
            if self.subject == "household"
            else HouseholdRef(prefix="household__", pk="household_id")
        )
        members = (
            Person.objects.filter(household_id=OuterRef(ref.pk)).order_by().values("household_id")
        )
        where = node["count"] if kind == "count" else node.get("where", {})
        if where == {}:
            flag = Value(1)
            text = gettext_noop("members")
        else:
            inner = Compiler(
                rule_name=self.rule_name, subject="person", context=self.context, within=self.within
            )
            tree = inner.node(
                where, f"{part}.{'count' if kind == 'count' else 'where'}", members=True
            )
            # 1 when the member meets the condition, 0 when not, NULL when unknown.
            flag = Case(
                When(tree.condition, then=Value(1)),
                When(~tree.condition, then=Value(0)),
                default=None,
            )
            text = Described(gettext_noop("members where %(where)s"), where)
        if kind == "count":
            known = Q(n=F("k"))
            total = Sum(flag)
        else:
            name = node["sum"]
            if name not in PERSON_FIELDS or PERSON_FIELDS[name].type != NUMBER:
                self.fail(
                    _("“%(field)s” is not a member number that can be summed") % {"field": name},
                    f"{part}.sum",
                )
            counted = Case(When(Q(Exact(flag, 1)), then=F(name)), default=Value(0))
            missing_value = Case(
                When(Q(Exact(flag, 1)) & Q(IsNull(F(name), True)), then=Value(1)), default=Value(0)
            )
            known = Q(n=F("k")) & Q(m=0)
            total = Sum(counted)
            members = members.annotate(m=Sum(missing_value))
            text = Described(
                gettext_noop("sum of %(field)s over members where %(where)s")
                if where
                else gettext_noop("sum of %(field)s over all members"),
                where,
                name,
            )
        per_household = (
            members.annotate(n=Count("pk"), k=Count(flag), s=Coalesce(total, Value(0)))
            .annotate(v=Case(When(known, then=F("s")), default=Value(UNKNOWN)))
            .values("v")
        )
        # No members at all: the subquery has no row, and the count or sum is a known 0.
        value = NullIf(
            Coalesce(Subquery(per_household, output_field=IntegerField()), Value(0)), Value(UNKNOWN)
        )
        definition = FieldDef(kind, NUMBER, text, lambda c, r: value)
        leaf = self.compare(
            {k: v for k, v in node.items() if k in {"op", "value"}},
            part,
            depth,
            value=value,
            type_=NUMBER,
            definition=definition,
            label=text,
        )
        if kind == "count" and where != {}:
            self.exists_form(leaf, ref=ref, tree=tree, inner=inner)
        return leaf

    def exists_form(self, leaf: Leaf, *, ref, tree, inner) -> None:
        """ "Some member" / "no member" as EXISTS, which the database answers without counting.

        Same meaning as the count: unknown when any member's condition is unknown. Explain reads
        the three-valued form; the selection uses two-valued EXISTS forms chosen by polarity,
        which databases plan as semi- and anti-joins."""
        raw = leaf.raw
        if isinstance(raw, bool) or not isinstance(raw, int):
            return
        some = {(">=", 1), (">", 0), ("!=", 0)}
        none = {("=", 0), ("<", 1), ("<=", 0)}
        if (leaf.op, raw) not in some | none:
            return
        members = Person.objects.filter(household_id=OuterRef(ref.pk)).order_by()
        found = Exists(members.filter(tree.condition))
        if not inner.may_be_unknown:
            leaf.condition = Q(found) if (leaf.op, raw) in some else ~Q(found)
            return
        unknown = Exists(
            members.filter(
                IsNull(ExpressionWrapper(tree.condition, output_field=BooleanField()), True)
            )
        )
        if (leaf.op, raw) in some:
            result, leaf.when_positive = found, Q(found) & ~Q(unknown)
            leaf.when_negative = Q(found) | Q(unknown)
        else:
            result, leaf.when_positive = ~found, ~Q(found) & ~Q(unknown)
            leaf.when_negative = ~Q(found) | Q(unknown)
        leaf.condition = Q(
            Case(When(unknown, then=Value(None)), default=result, output_field=BooleanField())
        )

    def leaf(
        self, part, label, op, raw, value, expected, condition, type_, definition, depth
    ) -> Leaf:
        leaf = Leaf(part, label, op, raw, value, expected, condition, type_, definition, depth)
        if op not in {"empty", "not_empty"} and (
            definition is not None and (definition.nullable or definition.blank_is_missing)
        ):
            self.may_be_unknown = True
        self.leaves.append(leaf)
        return leaf


def negation(condition: Q) -> Q:
    """NOT condition, taken inside an OR: NOT (a OR b) is NOT a AND NOT b, so that each EXISTS
    stands alone under its NOT, which PostgreSQL plans as an anti-join (under NOT (… OR …) it
    stays a subquery run for every row)."""
    if condition.negated or condition.connector != Q.OR:
        return ~condition
    result = Q()
    for child in condition.children:
        result &= negation(child) if isinstance(child, Q) else ~Q(child)
    return result


def joined(
    rows: QuerySet, relations: dict[str, FilteredRelation], households: list[int] | None = None
) -> QuerySet:
    """The rows with these relations as aliases; fresh copies, as a queryset marks the relations
    it joins.

    With `households`, the keys of the households the rows belong to, each relation (a view
    grouped by household) joins those households' rows only: a row of one of them reads the
    same, and the database groups the lines of those households alone, not of the whole area."""
    if households is None:
        return rows.alias(**{name: relation.clone() for name, relation in relations.items()})
    return rows.alias(
        **{
            name: FilteredRelation(
                relation.relation_name,
                condition=relation.condition
                & Q(**{f"{relation.relation_name}__household_id__in": households}),
            )
            for name, relation in relations.items()
        }
    )


def selection(node: Leaf | Group, *, positive: bool) -> Q:
    """The WHERE clause that selects the rows whose rule is true.

    Under Kleene logic a comparison that sits under an even number of `not`s may read unknown as
    false, and one under an odd number may read unknown as true, without changing which rows are
    selected; so leaves that have cheaper two-valued forms use them, by polarity."""
    if isinstance(node, Leaf):
        form = node.when_positive if positive else node.when_negative
        return node.condition if form is None else form
    if node.kind == "not":
        return negation(selection(node.children[0], positive=not positive))
    # "In A or in B" is "in (A or B)", and "not in A and not in B" is "not in (A or B)": one
    # subquery the database plans as one semi- or anti-join. Memberships are never unknown.
    parts, merged = [], {}
    for child in node.children:
        if isinstance(child, Leaf) and child.membership and child.absent == (node.kind == "all"):
            key = (child.membership.column, child.membership.source)
            if key in merged:
                merged[key] = merged[key].merged(child.membership)
                continue
            merged[key] = child.membership
            parts.append(key)
        else:
            parts.append(selection(child, positive=positive))
    parts = [
        (~merged[p].q() if node.kind == "all" else merged[p].q()) if isinstance(p, tuple) else p
        for p in parts
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part if node.kind == "all" else combined | part
    return combined


@dataclass
class CompiledRule:
    name: str
    subject: str
    tree: Leaf | Group
    leaves: list[Leaf]
    context: Context | None
    relations: dict[str, FilteredRelation] = field(default_factory=dict)
    # The stored version compiled (a `PolicyRule`), when it came from a policy.
    version: object = None
    # Prefixes of areas below the context's that keep a version of their own: left out.
    excluded: list[str] = field(default_factory=list)

    @property
    def condition(self) -> Q:
        return selection(self.tree, positive=True)

    @property
    def reads_income(self) -> bool:
        """Whether some condition reads the household's counted income (the joined view)."""
        return bool(self.relations)

    def reading(self, rows: QuerySet, households: list[int] | None = None) -> QuerySet:
        """The rows with the joined relations the rule's expressions name (see `joined`)."""
        return joined(rows, self.relations, households)

    def where(self) -> Q:
        """The rows the rule is for: those of the context's area, but for the areas left out."""
        rows = Q(area_code__startswith=self.context.area.prefix)
        for prefix in self.excluded:
            rows &= ~Q(area_code__startswith=prefix)
        return rows

    def base(self) -> QuerySet:
        model = Person if self.subject == "person" else Household
        if self.context is None:
            return self.reading(model.objects.all())
        return self.reading(model.objects.filter(self.where()))

    def queryset(self) -> QuerySet:
        """The matching households (or persons) of the context's area: one query."""
        return self.base().filter(self.condition)


@dataclass
class AreaRules:
    """The rules that apply over an area whose parts follow different rules (a county keeping
    its own version of a policy): the first part is the area itself, less the others, each of
    which is compiled for its own area, with its own parameters.

    Rows are selected in one query, each part's condition under its part's area (an OR of
    disjoint branches), so lists, counts, ordering and pages work as on one rule; with a single
    part the query is that rule's own."""

    parts: list[CompiledRule]

    @property
    def main(self) -> CompiledRule:
        return self.parts[0]

    @property
    def name(self) -> str:
        return self.main.name

    @property
    def subject(self) -> str:
        return self.main.subject

    @property
    def context(self) -> Context:
        return self.main.context

    @property
    def version(self):
        return self.main.version

    @property
    def relations(self) -> dict[str, FilteredRelation]:
        # Parts of one policy on one day, compiled to be read on the same area, join the same
        # relations under the same names.
        return {name: r for part in self.parts for name, r in part.relations.items()}

    @property
    def reads_income(self) -> bool:
        return any(part.reads_income for part in self.parts)

    def part_for(self, area_code: str) -> CompiledRule:
        """The part whose rule applies to a row of this area code."""
        return max(
            (p for p in self.parts if area_code.startswith(p.context.area.prefix)),
            key=lambda p: len(p.context.area.prefix),
        )

    @property
    def condition(self) -> Q:
        if len(self.parts) == 1:
            return self.main.condition
        combined = Q()
        for part in self.parts:
            combined |= part.where() & part.condition
        return combined

    def reading(self, rows: QuerySet, households: list[int] | None = None) -> QuerySet:
        return joined(rows, self.relations, households)

    def base(self) -> QuerySet:
        model = Person if self.subject == "person" else Household
        return self.reading(model.objects.within([self.context.area.prefix]))

    def queryset(self) -> QuerySet:
        """The rows of the area that their part's rule selects: one query."""
        return self.base().filter(self.condition)

    def outside(self, among: QuerySet) -> QuerySet:
        """The rows of the area among these (a query of their keys) that their part's rule does
        not select, false or unknown: the keys less the selected ones, one EXCEPT that the
        database computes once. (NOT EXISTS on the rules' query lets PostgreSQL plan a
        nested-loop anti-join that computes the income view again for every row of the area.)
        The keys also narrow the rows directly, so that PostgreSQL expects few and looks each up
        by its primary key rather than scanning the area."""
        among = among.order_by()
        selected = self.queryset().order_by().values("pk")
        return self.base().filter(pk__in=among).filter(pk__in=among.difference(selected))


def compile_rule(
    definition,
    *,
    name: str,
    subject: str = "household",
    context: Context | None = None,
    within: str | None = None,
) -> CompiledRule:
    """Compile a rule; without a context it is only checked (fields, types, parameter names).

    The rule is read on rows of the context's area, or of the wider area `within` names (a
    prefix) when it is one part of an area whose parts follow different rules."""
    if subject not in {"household", "person"}:
        raise RuleError(
            _("unknown subject “%(subject)s”") % {"subject": subject}, rule=name, part=""
        )
    compiler = Compiler(rule_name=name, subject=subject, context=context, within=within)
    tree = compiler.node(definition, "")
    return CompiledRule(name, subject, tree, compiler.leaves, context, compiler.relations)
