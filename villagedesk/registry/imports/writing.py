"""Writing an import: new rows in large batches, changed rows field by field, all with history.

Called inside the engine's transaction, so an exception in any batch leaves the database as it
was. Only the fields the file maps are compared and written: a column the file lacks keeps the
registered value. The couple and parent links of a new household go in with its members; those
of a registered household that gains members or whose relations change are derived last.

New rows go in by COPY (executemany on SQLite), past the ORM and so past the `ScopeCodeField`s
that fill area codes on `save` and `bulk_create`: `scope_codes_set` is this path's one way of
filling them, and `write_batch` refuses a batch without them.
"""

from collections.abc import Callable
from contextlib import contextmanager

import polars as pl
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from villagedesk.areas.models import Area
from villagedesk.core.concurrency import version_field_of
from villagedesk.core.pinyin import pinyin_table
from villagedesk.core.scoping import ScopeCodeField
from villagedesk.core.scratch import scratch_table
from villagedesk.core.sealing import (
    SealedIdentityField,
    identity_hashes_fill,
    seal,
    sealed_with_hashes,
    unseal,
)
from villagedesk.registry.families import LINK_COLUMNS, derive, links_frame
from villagedesk.registry.imports.frames import attach
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


DTYPES = {
    "CharField": pl.String,
    "TextField": pl.String,
    "DateField": pl.Date,
    "BooleanField": pl.Boolean,
    "DecimalField": pl.Decimal(12, 2),
    "DateTimeField": pl.String,
}


def column(field, frame: pl.DataFrame, values: dict) -> pl.Expr:
    """The frame's column for a field, or a given value, or the field's default."""
    dtype = DTYPES.get(field.get_internal_type(), pl.Int64)
    if field.attname in values:
        return pl.lit(values[field.attname], dtype=dtype).alias(field.column)
    if field.attname in frame.columns:
        return pl.col(field.attname).cast(dtype).alias(field.column)
    return pl.lit(field.get_default(), dtype=dtype).alias(field.column)


def scope_codes_set(model, frame: pl.DataFrame, *, key: str, codes: dict) -> pl.DataFrame:
    """The frame with every scope-code column of the model filled as `ScopeCodeField` would fill
    it, from `codes`: the area code of the village or household each row's `key` names.

    A key without a code raises (polars' strict replace), so no row is written without its code,
    which would make it invisible to everyone.
    """
    fields = [f for f in model._meta.concrete_fields if isinstance(f, ScopeCodeField)]
    if not frame.height:
        # No rows, no codes: polars keeps the key's type for a replacement by nothing.
        return frame.with_columns(pl.lit(None, dtype=pl.String).alias(f.attname) for f in fields)
    area_code = pl.col(key).replace_strict(codes, return_dtype=pl.String)
    return frame.with_columns(
        (area_code.str.slice(0, field.digits) if field.digits else area_code).alias(field.attname)
        for field in fields
    )


def identity_sealed(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its identity, certificate and bank account numbers sealed and the identity
    numbers' keyed hashes beside them, as `SealedIdentityField` and `IdentityHashField` would
    write them on `save`; the hashes the engine found the holders by are taken as they are."""
    for name in ("disability_certificate", "bank_account"):
        if name in frame.columns:
            numbers = frame[name].to_list()
            frame = frame.with_columns(
                pl.Series(name, [seal(n) if n else n for n in numbers], dtype=pl.String)
            )
    if "id_number" not in frame.columns:
        return frame
    known = frame["id_number_hash"].to_list() if "id_number_hash" in frame.columns else None
    sealed, hashes = sealed_with_hashes(frame["id_number"].to_list(), known)
    return frame.with_columns(
        pl.Series("id_number", sealed, dtype=pl.String),
        pl.Series("id_number_hash", hashes, dtype=pl.String),
    )


def scope_codes_check(model, batch: pl.DataFrame) -> None:
    """Refuse a batch in which a row has no scope code (a bug in the caller, not in the file)."""
    for field in model._meta.concrete_fields:
        if isinstance(field, ScopeCodeField) and (
            field.attname not in batch.columns
            or batch[field.attname].fill_null("").str.len_chars().min() == 0
        ):
            raise ValueError(f"{model.__name__}.{field.attname} is missing from rows to write.")


def allocate_ids(model, n: int) -> list[int]:
    """Primary keys for n new rows, taken before writing so that members can point at them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once: looked up for each key it costs a second.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [sequence, n],
            )
            return cursor.fetchone()[0] or []
        # SQLite: the import's IMMEDIATE transaction holds the write lock, so no one else
        # can take these numbers meanwhile.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        top = max(top, cursor.fetchone()[0])
    return list(range(top + 1, top + 1 + n))


def copy_rows(table: str, frame: pl.DataFrame) -> None:
    """COPY on PostgreSQL (the frame as CSV, built by polars); executemany on SQLite."""
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f'COPY "{table}" ({columns}) FROM STDIN WITH (FORMAT csv)'
            with cursor.copy(sql) as copy:
                # Polars quotes an empty string ("") and leaves NULL empty, as COPY reads them.
                copy.write(frame.write_csv(include_header=False, null_value=""))
            return
        frame = frame.with_columns(
            pl.col(pl.Date).cast(pl.String), pl.col(pl.Boolean).cast(pl.Int8)
        )
        placeholders = ", ".join(["%s"] * frame.width)
        sql = f'INSERT INTO "{table}" ({columns}) VALUES ({placeholders})'  # noqa: S608
        cursor.executemany(sql, frame.rows())


@contextmanager
def large_cache():
    """On SQLite, a page cache of 128 MB while importing: inserting into indexes touches pages
    all over them, and the default 2 MB cache makes a county's import several times slower."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -131072")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


# The history model's own fields, beside the copies of the model's.
HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def write_batch(model, batch: pl.DataFrame, *, by) -> None:
    """Insert one batch of new rows, then their history rows ("+", by the importing user).

    On SQLite the history rows are copied inside the database from the rows just written (a
    batch's keys are one range of the table's rowids), so each value crosses from Python to the
    database once. On PostgreSQL they are copied from the same frame: selected back by key, the
    rows of a table that was empty when its statistics were last taken are found by scanning the
    whole table, once per batch, and a county's import into an empty registry grows with the
    square of its rows.
    """
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    scope_codes_check(model, batch)
    rows = batch.select([column(f, batch, {}) for f in fields])
    copy_rows(table, rows)
    history = model.history.model
    tracked = [f.column for f in history._meta.concrete_fields if f.attname not in HISTORY_OWN]
    now = timezone.now()
    user = by.pk if by else None
    if connection.vendor == "postgresql":
        copy_rows(
            history._meta.db_table,
            rows.select(tracked).with_columns(
                pl.lit(now.isoformat()).alias("history_date"),
                pl.lit(CHANGE_REASON).alias("history_change_reason"),
                pl.lit("+").alias("history_type"),
                pl.lit(user, dtype=pl.Int64).alias("history_user_id"),
            ),
        )
        return
    columns = ", ".join(f'"{c}"' for c in tracked)
    ids = batch["id"].to_list()
    sql = (
        f'INSERT INTO "{history._meta.db_table}" ({columns}, history_date, history_change_reason, '  # noqa: S608
        f"history_type, history_user_id) SELECT {columns}, %s, %s, '+', %s FROM \"{table}\" "
        "WHERE id BETWEEN %s AND %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [connection.ops.adapt_datetimefield_value(now), CHANGE_REASON, user, ids[0], ids[-1]],
        )


def insert_frame(model, frame: pl.DataFrame, *, by, step) -> list[int]:
    """Insert new rows in batches; returns their primary keys in the frame's order (those of
    an `id` column the frame brings, or new ones)."""
    if "id" not in frame.columns:
        ids = allocate_ids(model, frame.height)
        frame = frame.with_columns(pl.Series("id", ids, dtype=pl.Int64))
    for batch in frame.iter_slices(BATCH_SIZE):
        write_batch(model, batch, by=by)
        step(batch.height)
    return frame["id"].to_list()


def with_family_links(frame: pl.DataFrame, *, households: set[int]) -> pl.DataFrame:
    """New members with their couple and parent links, for the households that are new in this
    import (all their members are in the frame): written with the rows, not updated after."""
    members = frame.filter(pl.col("household_id").is_in(list(households))).select(
        pl.col("id").alias("pk"), pl.col("household_id").alias("household"), "relation", "sex"
    )
    links = links_frame(members).select(
        pl.col("pk").alias("id"), *[pl.col(n).alias(f"{n}_id") for n in LINK_COLUMNS]
    )
    return frame.join(links, on="id", how="left", maintain_order="left")


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


def current_values(
    model, pks: list[int], names: list[str], *, like: pl.DataFrame, mapping=lambda n: n
) -> pl.DataFrame:
    """The registered values of these fields for these rows, typed like the import's columns.

    The keys go through a temporary table: an IN list of a county's keys is slow to build.
    """
    table = model._meta.db_table
    columns = [model._meta.get_field(mapping(n).removesuffix("_id")).column for n in names]
    with (
        connection.cursor() as cursor,
        scratch_table(cursor, "import_pks", "id bigint PRIMARY KEY"),
    ):
        if connection.vendor == "postgresql":
            with cursor.copy("COPY import_pks (id) FROM STDIN") as copy:
                copy.write("".join(f"{pk}\n" for pk in pks))
        else:
            cursor.executemany("INSERT INTO import_pks (id) VALUES (%s)", [(pk,) for pk in pks])
        selected = ", ".join(f't."{c}"' for c in columns)
        cursor.execute(
            f'SELECT t.id, {selected} FROM "{table}" t JOIN import_pks k ON k.id = t.id'  # noqa: S608
        )
        rows = cursor.fetchall()
    names_out = ["pk"] + [source_column(n) for n in names]
    frame = pl.DataFrame(rows, schema=names_out, orient="row", infer_schema_length=None)
    sealed = {
        source_column(n)
        for n in names
        if isinstance(model._meta.get_field(mapping(n).removesuffix("_id")), SealedIdentityField)
    }
    casts = [pl.col(name).map_elements(unseal, return_dtype=pl.String) for name in sealed]
    for name in names_out[1:]:
        target, current = like.schema[name], frame.schema[name]
        if name in sealed:
            continue
        if target == pl.Date and current == pl.String:
            casts.append(pl.col(name).str.to_date("%Y-%m-%d"))
        elif current != target:
            casts.append(pl.col(name).cast(target))
    return frame.with_columns(casts) if casts else frame


def matched_by_name(persons: pl.DataFrame) -> pl.DataFrame:
    """The members with `_ppk`, the registered person each is: the one found by identity number,
    or else the member of the same name and no identity number in their registered household
    (`_household`)."""
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
        persons = attach(persons, by_name, ["_household", "name"]).with_columns(
            pl.coalesce("_ppk", "_npk").alias("_ppk")
        )
    return persons


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
            Household, known["_pk"].to_list(), household_fields, like=known, mapping=model_field
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
    new = new.select(
        pl.col("village_id"),
        pl.col("number"),
        *[pl.col(source_column(n)).alias(model_field(n)) for n in household_fields],
    )
    new = scope_codes_set(Household, new, key="village_id", codes=village_codes)
    new_ids = insert_frame(Household, new, by=by, step=step)
    created_pks = dict(
        zip(
            (f"{v}|{n}" for v, n in zip(new["village_id"], new["number"], strict=True)),
            new_ids,
            strict=True,
        )
    )
    counts["households_created"] = new.height
    step(known.height)
    # Persons: the household each belongs to, then matched by identity number or by name.
    hpk = pl.DataFrame(
        {"_hkey": list(created_pks), "_newpk": list(created_pks.values())},
        schema={"_hkey": pl.String, "_newpk": pl.Int64},
    )
    persons = attach(persons, hpk, "_hkey").with_columns(
        pl.coalesce("_hpk", "_newpk").alias("_household")
    )
    codes = dict(
        Household.objects.filter(
            pk__in=persons.filter(pl.col("_newpk").is_null())["_household"].unique().to_list()
        ).values_list("pk", "area_code")
    )
    codes.update({pk: village_codes[int(key.split("|")[0])] for key, pk in created_pks.items()})
    persons = matched_by_name(persons)
    p_blanks = defaults(Person, person_fields)
    persons = filled(persons, person_fields, p_blanks)
    known = persons.filter(pl.col("_ppk").is_not_null())
    # Registered households whose members change in a way that moves a family link.
    relinked: set[int] = set()
    if known.height:
        current = current_values(Person, known["_ppk"].to_list(), person_fields, like=known)
        changed = changed_rows(known, current, key="_ppk", names=person_fields)
        update_objects(
            Person, changed, person_fields, by=by, counts=counts, prefix="persons", pk="_ppk"
        )
        moved = changed.filter(
            pl.col("_changed").list.set_intersection(["relation", "sex"]).list.len() > 0
        )
        relinked |= set(moved["_household"].to_list())
    counts["persons_unchanged"] = known.height - counts["persons_updated"]
    new = persons.filter(pl.col("_ppk").is_null())
    pinyin = pinyin_table(new["name"].to_list())
    new = new.join(pinyin, on="name", how="left", maintain_order="left").select(
        pl.col("_household").alias("household_id"),
        *[pl.col(n) for n in person_fields],
        *[pl.col(n) for n in ["id_number_hash"] if n in new.columns],
        pl.col("name_pinyin"),
        pl.col("name_initials"),
    )
    new = scope_codes_set(Person, new, key="household_id", codes=codes)
    new = new.with_columns(pl.Series("id", allocate_ids(Person, new.height), dtype=pl.Int64))
    created = set(created_pks.values())
    if {"relation", "sex"} <= set(new.columns):
        new = with_family_links(new, households=created)
        relinked |= set(new["household_id"].to_list()) - created
    else:
        relinked |= set(new["household_id"].to_list())
    insert_frame(Person, identity_sealed(new), by=by, step=step)
    counts["persons_created"] = new.height
    step(known.height)
    derive(relinked)
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
    if "id_number" in touched:
        touched.update(identity_hashes_fill(objs.values()))
    version = version_field_of(model)
    if version is not None:
        # A form opened before the import must not save over what the import changed.
        for obj in objs.values():
            setattr(obj, version.attname, getattr(obj, version.attname) + 1)
        touched.add(version.attname)
    bulk_update_with_history(
        list(objs.values()),
        model,
        sorted(touched),
        batch_size=BATCH_SIZE,
        default_user=by,
        default_change_reason=CHANGE_REASON,
    )
    counts[f"{prefix}_updated"] = len(objs)
