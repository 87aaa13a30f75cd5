"""Writing an import: new rows in large batches, changed rows field by field, all with history.

Called inside the engine's transaction, so an exception in any batch leaves the database as it
was. Only the fields the file maps are compared and written: a column the file lacks keeps the
registered value.
"""

from collections.abc import Callable

import polars as pl
from simple_history.utils import bulk_update_with_history

from villagedesk.areas.models import Area
from villagedesk.core.pinyin import pinyin_keys
from villagedesk.registry.models import Household, Person

BATCH_SIZE = 5000
HOUSEHOLD_MODEL_FIELDS = {"household_phone": "phone", "group": "group_id"}
CHANGE_REASON = "import"


def model_field(name: str) -> str:
    return HOUSEHOLD_MODEL_FIELDS.get(name, name)


def defaults(model, names: list[str], *, mapping=lambda n: n) -> dict:
    """What a blank cell means for each field: the field's default (blank, no, 0, Han, …)."""
    out = {}
    for name in names:
        field = model._meta.get_field(mapping(name).removesuffix("_id"))
        out[name] = field.get_default()
    return out


def source_column(name: str) -> str:
    return "group_id" if name == "group" else name


def filled(frame: pl.DataFrame, names: list[str], blanks: dict) -> pl.DataFrame:
    return frame.with_columns(
        [
            pl.col(source_column(n)).fill_null(blanks[n]).alias(source_column(n))
            if blanks[n] is not None
            else pl.col(source_column(n))
            for n in names
        ]
    )


def write_batch(model, objs: list, *, by) -> None:
    """Insert one batch and its history rows."""
    model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    model.history.bulk_history_create(objs, default_user=by, default_change_reason=CHANGE_REASON)


def changed_rows(frame: pl.DataFrame, current: pl.DataFrame, *, key: str, names: list[str]):
    """Rows whose mapped fields differ from the registry, with the names of the fields that do."""
    joined = frame.join(current, left_on=key, right_on="pk", how="inner", suffix="__db")
    diffs = [
        pl.when(~pl.col(source_column(n)).eq_missing(pl.col(source_column(n) + "__db")))
        .then(pl.lit(n))
        .otherwise(None)
        for n in names
    ]
    joined = joined.with_columns(pl.concat_list(diffs).list.drop_nulls().alias("_changed"))
    return joined.filter(pl.col("_changed").list.len() > 0)


def current_values(model, pks: list[int], names: list[str], *, mapping=lambda n: n) -> pl.DataFrame:
    fields = [mapping(n) for n in names]
    rows = []
    for start in range(0, len(pks), 20000):
        rows += list(
            model.objects.filter(pk__in=pks[start : start + 20000]).values_list("pk", *fields)
        )
    schema_names = ["pk"] + [source_column(n) for n in names]
    frame = pl.DataFrame(rows, schema=schema_names, orient="row", infer_schema_length=None)
    return frame


def write(
    *,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    household_fields: list[str],
    person_fields: list[str],
    by,
    progress: Callable[[int, int], None] | None,
) -> dict:
    counts = dict.fromkeys(
        [
            "households_created",
            "households_updated",
            "households_unchanged",
            "persons_created",
            "persons_updated",
            "persons_unchanged",
            "fields_updated",
        ],
        0,
    )
    total = households.height + persons.height
    done = 0

    def step(n):
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    h_blanks = defaults(Household, household_fields, mapping=model_field)
    households = filled(households, household_fields, h_blanks)
    village_codes = dict(
        Area.objects.filter(pk__in=households["village_id"].unique().to_list()).values_list(
            "pk", "code"
        )
    )
    # Households: update the known ones that differ, create the others.
    known = households.filter(pl.col("_pk").is_not_null())
    if known.height and household_fields:
        current = current_values(
            Household, known["_pk"].to_list(), household_fields, mapping=model_field
        )
        changed = changed_rows(known, current, key="_pk", names=household_fields)
        update_objects(
            Household,
            changed,
            household_fields,
            by=by,
            mapping=model_field,
            counts=counts,
            prefix="households",
        )
    counts["households_unchanged"] = known.height - counts["households_updated"]
    new = households.filter(pl.col("_pk").is_null())
    created_pks = {}
    for batch in new.iter_slices(BATCH_SIZE):
        objs = []
        for row in batch.iter_rows(named=True):
            code = village_codes[row["village_id"]]
            obj = Household(
                village_id=row["village_id"],
                number=row["number"],
                area_code=code,
                county_code=code[:6],
            )
            for name in household_fields:
                setattr(obj, model_field(name), row[source_column(name)])
            objs.append(obj)
        write_batch(Household, objs, by=by)
        created_pks.update({f"{o.village_id}|{o.number}": o.pk for o in objs})
        counts["households_created"] += len(objs)
        step(len(objs))
    step(known.height)
    # Persons: the household each belongs to, then matched by identity number or by name.
    hpk = pl.DataFrame(
        {"_hkey": list(created_pks), "_newpk": list(created_pks.values())},
        schema={"_hkey": pl.String, "_newpk": pl.Int64},
    )
    persons = persons.join(hpk, on="_hkey", how="left").with_columns(
        pl.coalesce("_hpk", "_newpk").alias("_household")
    )
    codes = dict(
        Household.objects.filter(
            pk__in=persons.filter(pl.col("_newpk").is_null())["_household"].unique().to_list()
        ).values_list("pk", "area_code")
    )
    codes.update({pk: village_codes[int(key.split("|")[0])] for key, pk in created_pks.items()})
    if "_ppk" not in persons.columns:
        persons = persons.with_columns(pl.lit(None, dtype=pl.Int64).alias("_ppk"))
    nameless = persons.filter(pl.col("_ppk").is_null() & pl.col("_hpk").is_not_null())
    if nameless.height:
        rows = []
        hh = nameless["_hpk"].unique().to_list()
        for start in range(0, len(hh), 20000):
            rows += list(
                Person.objects.filter(
                    household_id__in=hh[start : start + 20000], id_number__isnull=True
                ).values_list("pk", "household_id", "name")
            )
        by_name = pl.DataFrame(
            rows, schema={"_npk": pl.Int64, "_household": pl.Int64, "name": pl.String}, orient="row"
        ).unique(["_household", "name"])
        persons = persons.join(by_name, on=["_household", "name"], how="left").with_columns(
            pl.coalesce("_ppk", "_npk").alias("_ppk")
        )
    p_blanks = defaults(Person, person_fields)
    persons = filled(persons, person_fields, p_blanks)
    known = persons.filter(pl.col("_ppk").is_not_null())
    if known.height:
        current = current_values(Person, known["_ppk"].to_list(), person_fields)
        changed = changed_rows(known, current, key="_ppk", names=person_fields)
        update_objects(
            Person, changed, person_fields, by=by, counts=counts, prefix="persons", pk="_ppk"
        )
    counts["persons_unchanged"] = known.height - counts["persons_updated"]
    new = persons.filter(pl.col("_ppk").is_null())
    for batch in new.iter_slices(BATCH_SIZE):
        objs = []
        for row in batch.iter_rows(named=True):
            obj = Person(household_id=row["_household"], area_code=codes[row["_household"]])
            for name in person_fields:
                setattr(obj, name, row[name])
            obj.name_pinyin, obj.name_initials = pinyin_keys(obj.name)
            objs.append(obj)
        write_batch(Person, objs, by=by)
        counts["persons_created"] += len(objs)
        step(len(objs))
    step(known.height)
    return counts


def update_objects(
    model, changed: pl.DataFrame, names, *, by, counts, prefix, mapping=lambda n: n, pk="_pk"
):
    if not changed.height:
        return
    objs = {o.pk: o for o in model.objects.filter(pk__in=changed[pk].to_list())}
    touched = set()
    for row in changed.iter_rows(named=True):
        obj = objs[row[pk]]
        for name in row["_changed"]:
            setattr(obj, mapping(name), row[source_column(name)])
            touched.add(mapping(name))
        counts["fields_updated"] += len(row["_changed"])
    bulk_update_with_history(
        list(objs.values()),
        model,
        sorted(touched),
        batch_size=BATCH_SIZE,
        default_user=by,
        default_change_reason=CHANGE_REASON,
    )
    counts[f"{prefix}_updated"] = len(objs)
