"""The preview of an import: what loading the checked file would do, before anything is written.

It works on the engine's own checked frames (`ImportResult.households` and `.persons`: read,
normalised, validated and matched to the registry) and compares them with the registry through
the writing path's own functions, so its counts are those a load of the valid households writes:
households and members new, updated or unchanged, and those left out for their errors. The
first households' rows are kept as they would be stored, personal numbers masked as on every
page, and codes kept as codes, shown as labels in the reader's language.
"""

import datetime
import decimal

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from villagedesk.areas.models import Area, VillageGroup
from villagedesk.registry.imports import writing
from villagedesk.registry.imports.columns import BY_NAME, SPREAD_FROM
from villagedesk.registry.imports.engine import ImportResult, fields_written, without_rejected
from villagedesk.registry.imports.messages import value_shown
from villagedesk.registry.models import Household, Person

SAMPLE_HOUSEHOLDS = 10
# A household's rows kept in the sample at most: a mapping that reads the wrong column as the
# household number can make one household of a whole file.
SAMPLE_MEMBERS = 30
NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"
STATUSES = {
    NEW: gettext_lazy("new"),
    UPDATED: gettext_lazy("updated"),
    UNCHANGED: gettext_lazy("unchanged"),
    REJECTED: gettext_lazy("rejected"),
}
# The badge of each status, in the colours the pages give ok, unknown and error.
BADGES = {NEW: "ok", UPDATED: "unknown", UNCHANGED: "", REJECTED: "error"}
# The member's fields the sample shows in columns of their own; the others follow as a list.
MEMBER_COLUMNS = ["name", "id_number", "sex", "birth_date", "relation"]


def changes(model, frame, names, *, key, mapping=lambda n: n) -> dict[int, list[str]]:
    """The registered rows (by `key`) the frame's values would change, with the fields they
    would change: the load's own comparison (`writing.changed_rows`)."""
    known = frame.filter(pl.col(key).is_not_null())
    if not known.height or not names:
        return {}
    current = writing.current_values(
        model, known[key].to_list(), names, like=known, mapping=mapping
    )
    changed = writing.changed_rows(known, current, key=key, names=names)
    return {pk: list(fields) for pk, fields in zip(changed[key], changed["_changed"], strict=True)}


def figures(frame: pl.DataFrame, key: str, changed: dict, rejected: int) -> dict[str, int]:
    """New, updated, unchanged and rejected, counted as `writing.write` counts them."""
    known = frame[key].is_not_null().sum()
    return {
        NEW: frame.height - known,
        UPDATED: len(changed),
        UNCHANGED: known - len(changed),
        REJECTED: rejected,
    }


def stored(value):
    """A value as JSON keeps it: a date or an amount as text."""
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    return value


def shown_values(row: dict, names: list[str]) -> dict:
    """The fields of a row as the preview keeps them: personal numbers, and identity numbers
    typed anywhere, masked; the group by its key."""
    values = {}
    for name in names:
        value = stored(row.get(writing.source_column(name)))
        if isinstance(value, str):
            # A personal number masked, and in any other text a run of digits as long as an
            # identity number (one typed in the wrong column), as an import's issues quote them.
            value = value_shown(name, value)
        values[name] = value
    return values


def status_of(pk, ok: bool, changed: dict) -> tuple[str, list[str]]:
    if not ok:
        return REJECTED, []
    if pk is None:
        return NEW, []
    if pk in changed:
        return UPDATED, changed[pk]
    return UNCHANGED, []


def import_preview(result: ImportResult, *, sample_size: int = SAMPLE_HOUSEHOLDS) -> dict:
    """What loading the checked file (its valid households, when some have errors) would do:
    counts of households and of members, and the first `sample_size` households' rows."""
    households, persons = result.households, result.persons
    households_ok, persons_ok = without_rejected(households, persons, result.errors)
    household_fields, person_fields = fields_written(households_ok, persons_ok)
    blanks = writing.defaults(Household, household_fields, mapping=writing.model_field)
    households_ok = writing.filled(households_ok, household_fields, blanks)
    changed_households = changes(
        Household, households_ok, household_fields, key="_pk", mapping=writing.model_field
    )
    # A member is looked for by name in the household the file places it in, if registered.
    persons_ok = writing.matched_by_name(
        persons_ok.with_columns(pl.col("_hpk").alias("_household"))
    )
    persons_ok = writing.filled(persons_ok, person_fields, writing.defaults(Person, person_fields))
    changed_persons = changes(Person, persons_ok, person_fields, key="_ppk")
    counts = {
        "households": figures(
            households_ok, "_pk", changed_households, households.height - households_ok.height
        ),
        "persons": figures(persons_ok, "_ppk", changed_persons, persons.height - persons_ok.height),
    }
    return {
        **counts,
        "household_fields": household_fields,
        "person_fields": person_fields,
        "sample": sample(
            households=households.sort("_sheet", "_row", maintain_order=True).head(sample_size),
            persons=persons,
            households_ok=households_ok,
            persons_ok=persons_ok,
            household_fields=household_fields,
            person_fields=person_fields,
            changed_households=changed_households,
            changed_persons=changed_persons,
        ),
    }


def sample(
    *,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    households_ok: pl.DataFrame,
    persons_ok: pl.DataFrame,
    household_fields: list[str],
    person_fields: list[str],
    changed_households: dict,
    changed_persons: dict,
) -> list[dict]:
    """The households given, each with its members' rows: the stored values of those loaded,
    the file's values (normalised) of those rejected, and the status of each."""
    loaded_households = {row["_hkey"]: row for row in households_ok.iter_rows(named=True)}
    keys = households["_hkey"].to_list()
    members = persons.filter(pl.col("_hkey").is_in(keys)).sort("_sheet", "_row")
    loaded_members = {
        (row["_sheet"], row["_row"]): row
        for row in persons_ok.filter(pl.col("_hkey").is_in(keys)).iter_rows(named=True)
    }
    out = []
    for row in households.iter_rows(named=True):
        household = loaded_households.get(row["_hkey"], row)
        status, changed = status_of(
            household["_pk"], row["_hkey"] in loaded_households, changed_households
        )
        rows = []
        own = members.filter(pl.col("_hkey") == row["_hkey"])
        for member in own.head(SAMPLE_MEMBERS).iter_rows(named=True):
            place = (member["_sheet"], member["_row"])
            person = loaded_members.get(place, member)
            person_status, person_changed = status_of(
                person.get("_ppk"), place in loaded_members, changed_persons
            )
            rows.append(
                {
                    "sheet": member["_sheet"],
                    "row": member["_row"],
                    "status": person_status,
                    "changed": person_changed,
                    "values": shown_values(person, person_fields),
                }
            )
        out.append(
            {
                "sheet": row["_sheet"],
                "row": row["_row"],
                "number": row["number"],
                "village_id": row["village_id"] if (row["village_id"] or 0) > 0 else None,
                "village": row.get("village") or "",
                "status": status,
                "changed": changed,
                "values": shown_values(household, household_fields),
                "members": rows,
                "more_members": own.height - len(rows),
            }
        )
    return out


def field_label(name: str) -> str:
    column = BY_NAME.get(name) or BY_NAME[SPREAD_FROM[name]]
    return str(column.label)


def value_label(name: str, value) -> str:
    """A kept value as the reader sees it: a code as its label in their language, yes or no."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    column = BY_NAME.get(name) or BY_NAME[SPREAD_FROM[name]]
    if column.choices is not None and value in column.choices.values:
        return str(column.choices(value).label)
    return str(value)


def facts(values: dict, changed: list[str], *, skip=()) -> list[dict]:
    """The fields of a sample row that hold something, labelled, those the load changes marked."""
    return [
        {"label": field_label(name), "value": value_label(name, value), "changed": name in changed}
        for name, value in values.items()
        if name not in skip and value_label(name, value)
    ]


def preview_shown(preview: dict, *, area: Area) -> dict:
    """A kept preview as a page shows it, in the reader's language: the counts, and each sample
    household with its village and group named and its members' fields labelled."""
    sample = preview.get("sample", [])
    villages = {
        v.pk: v.display_name
        for v in Area.objects.within([area.prefix]).filter(
            pk__in={h["village_id"] for h in sample if h["village_id"]}
        )
    }
    groups = {
        g.pk: g.name
        for g in VillageGroup.objects.within([area.prefix]).filter(
            pk__in={h["values"].get("group") for h in sample if h["values"].get("group")}
        )
    }
    households = []
    for household in sample:
        values = household["values"]
        members = [
            {
                **member,
                "status_label": STATUSES[member["status"]],
                "badge": BADGES[member["status"]],
                "shown": [
                    (field_label(n), value_label(n, member["values"].get(n)))
                    for n in MEMBER_COLUMNS
                ],
                "facts": facts(member["values"], member["changed"], skip=MEMBER_COLUMNS),
                "changed_labels": [field_label(n) for n in member["changed"]],
            }
            for member in household["members"]
        ]
        households.append(
            {
                **household,
                "village_name": villages.get(household["village_id"], household["village"]),
                "group_name": groups.get(values.get("group"), ""),
                "status_label": STATUSES[household["status"]],
                "badge": BADGES[household["status"]],
                "facts": facts(values, household["changed"], skip=["group"]),
                "changed_labels": [field_label(n) for n in household["changed"]],
                "members": members,
            }
        )
    return {
        "households": preview["households"],
        "persons": preview["persons"],
        "sample": households,
        "member_labels": [field_label(n) for n in MEMBER_COLUMNS],
    }
