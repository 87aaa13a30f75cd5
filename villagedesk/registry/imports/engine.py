"""The import engine: file in, summary and issues out, the database changed all-or-nothing.

`run_import` is what the command and the background task call. It reads, normalises and
validates the whole file before writing anything; with errors it writes nothing unless `partial`
asks to load the valid households. Rows are matched to the registry by natural keys (village and
household number; identity number, or household and name for a person without one), so a
re-import changes only what changed, with a history row for each update.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level, VillageGroup
from villagedesk.audit import services as audit
from villagedesk.audit.models import Kind
from villagedesk.core.codelists import fold
from villagedesk.core.scratch import scratch_table
from villagedesk.core.sealing import identity_lookup
from villagedesk.core.spreadsheets import column_letters
from villagedesk.registry.changes import data_changed
from villagedesk.registry.imports import validating, writing
from villagedesk.registry.imports.columns import (
    BY_NAME,
    HOUSEHOLD_DATA,
    HOUSEHOLD_FIELDS,
    PERSON_DATA,
    is_row_number,
    stored_fields,
)
from villagedesk.registry.imports.frames import attach
from villagedesk.registry.imports.messages import masked_issues
from villagedesk.registry.imports.normalising import normalise_sheet
from villagedesk.registry.imports.reading import ReadError, Sheet, read_ledger
from villagedesk.registry.models import Household, Person

# The fields a row of members names its household by: blank, they are the row above's.
KEY_FIELDS = ["village", "number"]


class MappingError(ReadError):
    """The file was read, but its columns as mapped name no members or no household number; a
    corrected mapping may mend it, so the file is kept."""


class ImportCancelled(Exception):
    """The user cancelled the import; nothing was written."""


@dataclass
class ImportResult:
    sheets: list[Sheet]
    issues: pl.DataFrame
    counts: dict = field(default_factory=dict)
    loaded: bool = False
    dry_run: bool = False
    unread: list[dict] = field(default_factory=list)
    # The file's households and members as checked: normalised, keyed and matched to the
    # registry (`_pk` of a registered household, `_ppk` of a member found by identity number).
    households: pl.DataFrame | None = None
    persons: pl.DataFrame | None = None

    @property
    def errors(self) -> pl.DataFrame:
        return self.issues.filter(pl.col("level") == validating.ERROR)

    @property
    def warnings(self) -> pl.DataFrame:
        return self.issues.filter(pl.col("level") == validating.WARNING)


def blank_filled(cells: pl.Expr) -> pl.Expr:
    """Blank cells filled with the cell above that is not blank."""
    return pl.when(cells == "").then(None).otherwise(cells).forward_fill()


def household_key(village_id: pl.Expr, number: pl.Expr) -> pl.Expr:
    return pl.concat_str([village_id.cast(pl.String), number], separator="|")


def file_household_key(frame: pl.DataFrame) -> pl.Expr:
    """The key of a household of the file: a village that is not found keeps its name as written,
    so that households of two unknown villages are not taken for one household twice."""
    village = pl.col("village_id").cast(pl.String)
    if "village" in frame.columns:
        village = pl.coalesce(village, pl.concat_str([pl.lit("?"), pl.col("village")]))
    return pl.concat_str([village, pl.col("number")], separator="|").alias("_hkey")


def resolve_villages(frame: pl.DataFrame, *, area: Area, out: list) -> pl.DataFrame:
    """The village of each row, from its village column or the area imported into."""
    if area.level == Level.VILLAGE:
        lookup = {fold(area.code): area.pk, fold(area.name): area.pk}
        default = area.pk
    else:
        villages = list(Area.objects.filter(level=Level.VILLAGE, code__startswith=area.prefix))
        lookup, seen = {}, {}
        for village in villages:
            lookup[fold(village.code)] = village.pk
            seen.setdefault(fold(village.name), []).append(village.pk)
        for name, pks in seen.items():
            lookup[name] = pks[0] if len(pks) == 1 else -1
        default = None
    if "village" not in frame.columns:
        return frame.with_columns(pl.lit(default, dtype=pl.Int64).alias("village_id"))
    key = pl.col("village").fill_null("").str.replace_all(" ", "").str.to_lowercase()
    frame = frame.with_columns(
        pl.when(key == "")
        .then(pl.lit(default, dtype=pl.Int64))
        .otherwise(key.replace_strict(lookup, default=None, return_dtype=pl.Int64))
        .alias("village_id")
    )
    blank = pl.col("village").fill_null("") == ""
    out.append(
        validating.issues(
            frame, pl.col("village_id").is_null() & ~blank, field="village", code="unknown_village"
        )
    )
    out.append(
        validating.issues(
            frame, pl.col("village_id").is_null() & blank, field="village", code="required"
        )
    )
    out.append(
        validating.issues(
            frame, pl.col("village_id") == -1, field="village", code="ambiguous_village"
        )
    )
    return frame


def resolve_groups(frame: pl.DataFrame, *, area: Area, out: list) -> pl.DataFrame:
    if "group" not in frame.columns:
        return frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("group_id"))
    rows = []
    for group in VillageGroup.objects.filter(area_code__startswith=area.prefix):
        for key in {
            str(group.number),
            fold(group.name),
            f"{group.number}组",
            f"第{group.number}组",
        }:
            rows.append({"village_id": group.village_id, "_gkey": key, "group_id": group.pk})
    # A key that two groups of a village answer to (a name that is another's, say) names none.
    groups = (
        pl.DataFrame(
            rows, schema={"village_id": pl.Int64, "_gkey": pl.String, "group_id": pl.Int64}
        )
        .unique()
        .group_by("village_id", "_gkey")
        .agg(
            pl.when(pl.len() == 1).then(pl.col("group_id").first()).otherwise(-1).alias("group_id")
        )
    )
    frame = frame.with_columns(
        pl.col("group").fill_null("").str.replace_all(" ", "").str.to_lowercase().alias("_gkey")
    )
    frame = frame.join(groups, on=["village_id", "_gkey"], how="left")
    out.append(
        validating.issues(
            frame,
            # A group is looked for in a village found (a null village compares to null, so
            # none); an unknown or ambiguous village is reported itself.
            pl.col("group_id").is_null() & (pl.col("_gkey") != "") & (pl.col("village_id") != -1),
            field="group",
            code="unknown_group",
        )
    )
    out.append(
        validating.issues(frame, pl.col("group_id") == -1, field="group", code="ambiguous_group")
    )
    return frame.drop("_gkey")


def split_sheets(sheets: list[Sheet]) -> tuple[list[Sheet], list[Sheet]]:
    """Sheets of members (they name people) and sheets of households only."""
    people, households = [], []
    for sheet in sheets:
        fields = set(sheet.mapping.values())
        if {"name", "relation"} & fields or "id_number" in fields:
            people.append(sheet)
        elif "number" in fields:
            households.append(sheet)
    if not people:
        raise MappingError(_("No sheet lists members (a column such as 姓名 or 与户主关系)."))
    return people, households


def frames_of(sheets: list[Sheet], out: list) -> pl.DataFrame | None:
    frames = []
    for sheet in sheets:
        frame, cell_issues = normalise_sheet(
            frame=sheet.frame,
            mapping=sheet.mapping,
            headers=sheet.headers,
            sheet=sheet.name,
            first_row=sheet.first_data_row,
        )
        out.append(cell_issues)
        if frame is not None:
            frames.append(frame)
    return pl.concat(frames, how="diagonal_relaxed") if frames else None


def household_values_differing(persons: pl.DataFrame, fields: list[str]) -> list[pl.DataFrame]:
    """A household's field written differently on its rows: the first value is taken, and each
    row that says otherwise is warned of, naming the row whose value was taken."""
    rows = persons.filter(pl.col("number").is_not_null())
    given = {c: pl.col(c).cast(pl.String).fill_null("") != "" for c in fields}
    counts = rows.group_by("_hkey").agg(pl.col(c).filter(given[c]).n_unique() for c in fields)
    found = []
    for c in fields:
        differing = counts.filter(pl.col(c) > 1)["_hkey"]
        if differing.is_empty():
            continue
        households = rows.filter(pl.col("_hkey").is_in(differing.implode())).with_columns(
            pl.col(c).filter(given[c]).first().over("_hkey").alias("_taken"),
            pl.col("_row").filter(given[c]).first().over("_hkey").alias("_taken_row"),
        )
        found.append(
            validating.issues(
                households,
                given[c] & (pl.col(c) != pl.col("_taken")),
                field=c,
                code="household_value_differs",
                level=validating.WARNING,
                param=pl.col("_taken_row"),
            )
        )
    return found


def prepare(sheets: list[Sheet], *, area: Area, today: datetime.date):
    """Normalised and validated households and persons, keyed; and all issues found."""
    out: list[pl.DataFrame] = []
    people_sheets, household_sheets = split_sheets(sheets)
    persons = frames_of(people_sheets, out)
    if persons is None:
        raise ReadError(_("There are no rows under the header: the file lists no members."))
    for name in KEY_FIELDS:
        if name in persons.columns:
            # Merged or blank cells below a head's row belong to the head's household.
            persons = persons.with_columns(blank_filled(pl.col(name)).alias(name))
    if "number" not in persons.columns:
        raise MappingError(_("No column gives the household number (户编号)."))
    # A member is of the household its village and number name, the village found whether
    # written by its code or its name; its issues are reported once, on the households.
    persons = resolve_villages(persons, area=area, out=[])
    persons = persons.with_columns(file_household_key(persons))
    if "group" in persons.columns:
        # A blank group is the household's own, from a row above of the same household: a
        # household whose rows name no group has none, whatever the household above has.
        persons = persons.with_columns(blank_filled(pl.col("group")).over("_hkey").alias("group"))
    households = frames_of(household_sheets, out)
    if households is None:
        present = [
            c for c in HOUSEHOLD_FIELDS if c in persons.columns and c not in ("village", "number")
        ]
        households = (
            persons.filter(pl.col("number").is_not_null())
            .group_by("_hkey", maintain_order=True)
            .agg(
                pl.col("_sheet").first(),
                pl.col("_row").first(),
                *[pl.col(c).first() for c in ("village", "number") if c in persons.columns],
                *[
                    pl.col(c).filter(pl.col(c).cast(pl.String).fill_null("") != "").first()
                    for c in present
                ],
                *[pl.col(c + "__raw").first() for c in present],
            )
            .drop("_hkey")
        )
        # The head's name and number and the size are checked against the members themselves.
        out += household_values_differing(
            persons, [c for c in present if c not in ("head_name", "head_id_number", "size")]
        )
    else:
        households = households.filter(pl.col("number").fill_null("") != "")
    households = resolve_villages(households, area=area, out=out)
    households = resolve_groups(households, area=area, out=out)
    households = households.with_columns(file_household_key(households))
    dup = households.group_by("_hkey").agg(
        pl.col("_row").min().alias("_first"), pl.len().alias("_n")
    )
    households = households.join(dup, on="_hkey")
    out.append(
        validating.issues(
            households,
            (pl.col("_n") > 1) & (pl.col("_row") != pl.col("_first")),
            field="number",
            code="household_twice",
            param=pl.col("_first"),
        )
    )
    out += validating.text_checks(households, ["number", "address"])
    out += validating.household_checks(households)
    out += validating.phone_check(households, "household_phone")
    out.append(
        validating.issues(persons, pl.col("number").is_null(), field="number", code="required")
    )
    persons, person_issues = validating.person_checks(persons, today=today)
    out.append(person_issues)
    out += validating.size_check(households, persons)
    return households, persons, out


def existing_households(households: pl.DataFrame) -> pl.DataFrame:
    village_ids = households["village_id"].drop_nulls().unique().to_list()
    rows = Household.objects.filter(village_id__in=village_ids).values_list(
        "pk", "village_id", "number"
    )
    frame = pl.DataFrame(
        list(rows),
        schema={"_pk": pl.Int64, "village_id": pl.Int64, "number": pl.String},
        orient="row",
    )
    return frame.with_columns(
        household_key(pl.col("village_id"), pl.col("number")).alias("_hkey")
    ).select("_hkey", "_pk")


def existing_persons(hashes: dict[str, str]) -> pl.DataFrame:
    """Registered persons holding any of these identity numbers (number to keyed hash), with
    their household.

    The numbers are sealed, so they are found by their hashes. The hashes go into a temporary
    table joined in the database: one IN list of a county's 350,000 would be slow to build and
    beyond SQLite's limit of parameters.
    """
    columns = "id_number varchar(18), id_hash varchar(32)"
    with connection.cursor() as cursor, scratch_table(cursor, "import_ids", columns):
        if connection.vendor == "postgresql":
            with cursor.copy("COPY import_ids (id_number, id_hash) FROM STDIN") as copy:
                copy.write("".join(f"{n}\t{h}\n" for n, h in hashes.items()))
        else:
            cursor.executemany(
                "INSERT INTO import_ids (id_number, id_hash) VALUES (%s, %s)", hashes.items()
            )
        cursor.execute(
            "SELECT i.id_number, p.id, p.household_id, h.number, p.area_code "
            "FROM registry_person p "
            "JOIN import_ids i ON i.id_hash = p.id_number_hash "
            "JOIN registry_household h ON h.id = p.household_id"
        )
        rows = cursor.fetchall()
    return pl.DataFrame(
        rows,
        schema={
            "id_number": pl.String,
            "_ppk": pl.Int64,
            "_phh": pl.Int64,
            "_phh_number": pl.String,
            "_parea": pl.String,
        },
        orient="row",
    )


def registered_heads(households: pl.DataFrame, known: pl.DataFrame) -> pl.DataFrame:
    """The registered heads of the file's registered households: name and keyed hash of the
    identity number, by household key."""
    rows = []
    hpks = households["_pk"].drop_nulls().to_list()
    for start in range(0, len(hpks), 20000):
        rows += Person.objects.filter(
            household_id__in=hpks[start : start + 20000], relation="head"
        ).values_list("household_id", "name", "id_number_hash")
    heads = pl.DataFrame(
        rows,
        schema={"_pk": pl.Int64, "_reg_name": pl.String, "_reg_hash": pl.String},
        orient="row",
    ).unique("_pk", keep="first")
    return known.join(heads, on="_pk", how="inner").select("_hkey", "_reg_name", "_reg_hash")


def column_of(sheet: Sheet, position: int) -> str:
    """A column's letters as the sheet shows them."""
    return column_letters(position + 1)


def placed(issues: pl.DataFrame, sheets: list[Sheet]) -> pl.DataFrame:
    """The issues with the column each names, as the sheet shows it: its letters and header
    (none for a field the file has no column for, such as a missing one)."""
    rows = []
    for sheet in sheets:
        for position, name in sheet.mapping.items():
            where = {"column": column_of(sheet, position), "header": sheet.headers[position]}
            rows.append({"sheet": sheet.name, "field": name, **where})
            for spread in stored_fields(BY_NAME[name]):
                if spread != name:
                    rows.append({"sheet": sheet.name, "field": spread, **where})
    places = pl.DataFrame(
        rows,
        schema={"sheet": pl.String, "field": pl.String, "column": pl.String, "header": pl.String},
    ).unique(["sheet", "field"], keep="first", maintain_order=True)
    return issues.join(places, on=["sheet", "field"], how="left", maintain_order="left")


def unread_columns(sheets: list[Sheet]) -> list[dict]:
    """The columns of the file that no field reads: a header no field is known by (or that the
    user left unmapped), or no header above cells that hold something. Row numbers are not data."""
    unread = []
    for sheet in sheets:
        for position, header in enumerate(sheet.headers):
            if position in sheet.mapping or (header and is_row_number(header)):
                continue
            if not header:
                cells = sheet.frame[f"c{position}"].fill_null("").str.strip_chars()
                if not (cells != "").any():
                    continue
            unread.append(
                {"sheet": sheet.name, "column": column_of(sheet, position), "header": header}
            )
    return unread


def visible_to(by: User | None) -> pl.Expr:
    """Whether the registered holder of a number lies in the user's areas; an import run from
    the command line (no user) sees every area."""
    if by is None:
        return pl.lit(True)
    seen = pl.lit(False)
    for prefix in permissions.prefixes(by, Capability.SEE):
        seen = seen | pl.col("_parea").str.starts_with(prefix)
    return seen


def blank_column_key(letters: str) -> str:
    """The key a column without a header is mapped by: its letters, with a blank no folded
    header holds."""
    return f"column {letters}"


def column_key(header: str, position: int) -> str:
    """The key a column is mapped by: its header folded, or its letters when it has none."""
    return fold(header) if header else blank_column_key(column_letters(position + 1))


def blank_columns(sheets: list[Sheet]) -> dict[str, str]:
    """The columns without a header above cells that hold something, as they can be mapped by
    hand: their letters, with the field each is read as ("" for none)."""
    found = {}
    for sheet in sheets:
        for position, header in enumerate(sheet.headers):
            if header:
                continue
            cells = sheet.frame[f"c{position}"].fill_null("").str.strip_chars()
            if (cells != "").any():
                found.setdefault(column_of(sheet, position), sheet.mapping.get(position, ""))
    return found


def apply_columns(sheets: list[Sheet], columns: dict[str, str]) -> None:
    """Replace the guessed mapping where the user named a field for a header, or for the
    letters of a column without one."""
    for sheet in sheets:
        mapping, taken = {}, set()
        for position, header in enumerate(sheet.headers):
            key = column_key(header, position)
            name = columns[key] if key in columns else sheet.mapping.get(position)
            if name and name in BY_NAME and name not in taken:
                mapping[position] = name
                taken.add(name)
        sheet.mapping = mapping


def without_rejected(
    households: pl.DataFrame, persons: pl.DataFrame, errors: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The households with no error on their rows or their members' rows, and their members:
    what a partial load writes."""
    bad_rows = errors.select(pl.col("sheet").alias("_sheet"), pl.col("row").alias("_row")).unique()
    bad_households = set(
        households.join(bad_rows, on=["_sheet", "_row"], how="semi")["_hkey"].to_list()
    )
    bad_households |= set(
        persons.join(bad_rows, on=["_sheet", "_row"], how="semi")["_hkey"].to_list()
    )
    return (
        households.filter(~pl.col("_hkey").is_in(list(bad_households))),
        persons.filter(~pl.col("_hkey").is_in(list(bad_households))),
    )


def fields_written(households: pl.DataFrame, persons: pl.DataFrame) -> tuple[list, list]:
    """The household and member fields the file gives: the only ones a load compares and
    writes."""
    return (
        [c for c in HOUSEHOLD_DATA + ["group"] if c in households.columns],
        [c for c in PERSON_DATA if c in persons.columns],
    )


def run_import(
    path: Path,
    *,
    area: Area,
    by: User | None = None,
    partial: bool = False,
    dry_run: bool = False,
    check_only: bool = False,
    columns: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Import a ledger into the villages of `area`; see the module docstring.

    `columns` corrects the guessed mapping (folded header → field, "" to ignore a column);
    `check_only` stops after validation; `progress` is called after each batch and may raise
    ImportCancelled, which rolls everything back.
    """
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date)
    sheets = read_ledger(path)
    if columns:
        apply_columns(sheets, columns)
    households, persons, out = prepare(sheets, area=area, today=today)
    known = existing_households(households)
    households = attach(households, known, "_hkey")
    persons = attach(
        persons,
        households.select("_hkey", "_row").rename({"_row": "_hrow"}).unique("_hkey"),
        "_hkey",
    )
    persons = attach(persons, known.rename({"_pk": "_hpk"}), "_hkey")
    out.append(
        validating.issues(
            persons,
            pl.col("_hrow").is_null() & pl.col("_hpk").is_null() & pl.col("number").is_not_null(),
            field="number",
            code="unknown_household",
        )
    )
    if "id_number" in persons.columns:
        # Each number is hashed once: for finding its holder here, and for writing it.
        # Only a well-formed number can be registered; the others are not looked for.
        ids = persons["id_number"].drop_nulls().unique()
        hashes = identity_lookup(ids.filter(ids.str.contains(r"^\d{17}[\dX]$")).to_list())
        found = existing_persons(hashes)
        known_hashes = pl.DataFrame(
            {"id_number": list(hashes), "id_number_hash": list(hashes.values())},
            schema={"id_number": pl.String, "id_number_hash": pl.String},
        )
        persons = attach(attach(persons, found, "id_number"), known_hashes, "id_number")
        elsewhere = pl.col("_ppk").is_not_null() & (
            pl.col("_hpk").is_null() | (pl.col("_phh") != pl.col("_hpk"))
        )
        seen = visible_to(by)
        out.append(
            validating.issues(
                persons,
                elsewhere & seen,
                field="id_number",
                code="id_elsewhere",
                param=pl.col("_phh_number"),
            )
        )
        # Outside the user's areas the household's number (which encodes its village) is not
        # theirs to learn, nor that the number is registered at all: the answer is the one a
        # number that cannot be used gets, as in the person form and the enrolment import.
        out.append(
            validating.issues(persons, elsewhere & ~seen, field="id_number", code="id_unusable")
        )
    registered = registered_heads(households, known)
    if "head_id_number" in persons.columns:
        typed = persons["head_id_number"].drop_nulls().unique()
        hashes = identity_lookup(typed.filter(typed.str.contains(r"^\d{17}[\dX]$")).to_list())
        persons = attach(
            persons,
            pl.DataFrame(
                {"head_id_number": list(hashes), "_head_id_hash": list(hashes.values())},
                schema={"head_id_number": pl.String, "_head_id_hash": pl.String},
            ),
            "head_id_number",
        )
    head_issues, names = validating.head_checks(persons, registered=registered)
    out.append(head_issues)
    out.append(
        validating.family_checks(
            persons, heads_in_db=set(registered["_hkey"]), names=names, today=today
        )
    )
    issues = placed(validating.concat(out).unique().sort(["sheet", "row", "field"]), sheets)
    # Every issue leaves the engine with its numbers masked: the job keeps it, the preview, the
    # command and the report quote it.
    issues = masked_issues(issues)
    result = ImportResult(
        sheets=sheets,
        issues=issues,
        dry_run=dry_run,
        unread=unread_columns(sheets),
        households=households,
        persons=persons,
    )
    errors = result.errors
    if check_only:
        result.counts = {"rejected": errors.select("sheet", "row").unique().height}
        return result
    if errors.height and not partial:
        result.counts = {"rejected": errors.select("sheet", "row").unique().height}
        return result
    # Partial: leave out every household with an error on its rows or its members' rows.
    households_ok, persons_ok = without_rejected(households, persons, errors)
    rejected = persons.height - persons_ok.height
    households_rejected = households.height - households_ok.height
    household_fields, person_fields = fields_written(households_ok, persons_ok)
    with writing.large_cache(), transaction.atomic():
        counts = writing.write(
            households=households_ok,
            persons=persons_ok,
            household_fields=household_fields,
            person_fields=person_fields,
            by=by,
            progress=progress,
        )
        if dry_run:
            transaction.set_rollback(True)
        else:
            data_changed([area.prefix])
            # A bulk load writes no per-row history signal: one event records the whole load.
            audit.record(
                kind=Kind.PERSONAL_DATA_WRITE,
                user=by,
                username="" if by else "manage.py",
                area_code=area.code,
                object_type="registry.import",
                object_id=Path(path).name,
                details={key: int(value) for key, value in counts.items()},
            )
    counts["rejected"] = rejected
    counts["households_rejected"] = households_rejected
    result.counts = counts
    result.loaded = not dry_run
    return result
