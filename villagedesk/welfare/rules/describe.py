"""Rules in words of the active language, for explanations and pages."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from villagedesk.welfare.catalogue import PARAMETERS
from villagedesk.welfare.rules.language import PERSON_FIELDS

if TYPE_CHECKING:
    from villagedesk.welfare.rules.compiler import Leaf


@dataclass(frozen=True)
class Described:
    """A label over a member condition, described in the active language when shown."""

    msgid: str
    where: object
    field: str = ""

    def __str__(self) -> str:
        return _(self.msgid) % {
            "where": describe(self.where, PERSON_FIELDS),
            "field": _(PERSON_FIELDS[self.field].label) if self.field else "",
        }


OP_TEXT = {
    "=": "=",
    "!=": "≠",
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    "in": gettext_noop("is one of"),
    "between": gettext_noop("between"),
    "empty": gettext_noop("is empty"),
    "not_empty": gettext_noop("is not empty"),
}


def describe_value(raw, definition) -> str:
    if isinstance(raw, dict) and "param" in raw:
        if raw["param"] in PARAMETERS:
            text = str(PARAMETERS[raw["param"]])
        else:
            text = _("parameter %(name)s") % {"name": raw["param"]}
        if "times" in raw:
            text = f"{text} × {describe_value(raw['times'], None)}"
        return text
    if isinstance(raw, list):
        return ", ".join(describe_value(v, definition) for v in raw)
    if definition is not None and definition.choices and not isinstance(raw, bool):
        return str(dict(definition.choices.choices).get(raw, raw))
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    return str(raw)


def describe(node, fields) -> str:
    """A rule node in words of the active language, for explanations and pages."""
    if not isinstance(node, dict) or not node:
        return _("every member")
    for kind, joiner in (("all", _(" and ")), ("any", _(" or "))):
        if kind in node:
            return "(" + joiner.join(describe(child, fields) for child in node[kind]) + ")"
    if "not" in node:
        return _("not %(condition)s") % {"condition": describe(node["not"], fields)}
    definition = fields.get(node.get("field"))
    if "count" in node or "sum" in node:
        label = aggregate_text(node)
    else:
        label = _(definition.label) if definition else str(node.get("field"))
    op = _(OP_TEXT.get(node.get("op"), str(node.get("op"))))
    value = "" if "value" not in node else " " + describe_value(node["value"], definition)
    return f"{label} {op}{value}"


def aggregate_text(node) -> str:
    """A count or sum over members in words, as the compiler labels it."""
    if "count" in node:
        where = node["count"]
        return (
            str(Described(gettext_noop("members where %(where)s"), where))
            if where
            else _("members")
        )
    where = node.get("where") or {}
    msgid = (
        gettext_noop("sum of %(field)s over members where %(where)s")
        if where
        else gettext_noop("sum of %(field)s over all members")
    )
    return str(Described(msgid, where, node["sum"]))


GROUP_TEXT = {
    "all": gettext_noop("All of these hold"),
    "any": gettext_noop("At least one of these holds"),
    "not": gettext_noop("This does not hold"),
}


def leaf_text(leaf: "Leaf") -> str:
    label = _(leaf.label) if isinstance(leaf.label, str) else str(leaf.label)
    op = _(OP_TEXT[leaf.op])
    value = "" if leaf.raw is None else " " + describe_value(leaf.raw, leaf.field)
    return f"{label} {op}{value}"
