"""The checks of an import, column-wise over the whole file at once.

They are the rules the registry's services and `Person.clean` enforce one record at a time,
plus the checks counties run over whole ledgers (identity numbers twice, heads and spouses per
household). Each check yields issue rows: sheet, row, field, value, code, level, parameter.
"""

import datetime

import polars as pl

from villagedesk.registry.codes import (
    FEMALE_RELATIONS,
    MALE_RELATIONS,
    DocumentType,
    Relation,
    Sex,
)
from villagedesk.registry.identity import (
    ACCOUNT_NUMBER_RE,
    DOCUMENT_PREFIXES,
    EARLIEST_BIRTH_YEAR,
    LANDLINE_RE,
    MOBILE_RE,
    OLD_FOREIGN_RE,
)
from villagedesk.registry.imports.columns import BY_NAME
from villagedesk.registry.imports.normalising import ISSUE_SCHEMA, blank_cell, check_character

ERROR, WARNING = "error", "warning"
YOUNGER_THAN_HEAD = [
    Relation.SON,
    Relation.DAUGHTER,
    Relation.DAUGHTER_IN_LAW,
    Relation.SON_IN_LAW,
    Relation.GRANDSON,
    Relation.GRANDDAUGHTER,
    Relation.DAUGHTERS_SON,
    Relation.DAUGHTERS_DAUGHTER,
    Relation.GREAT_GRANDSON,
    Relation.GREAT_GRANDDAUGHTER,
]
OLDER_THAN_HEAD = [
    Relation.FATHER,
    Relation.MOTHER,
    Relation.WIFES_FATHER,
    Relation.WIFES_MOTHER,
    Relation.HUSBANDS_FATHER,
    Relation.HUSBANDS_MOTHER,
    Relation.GRANDFATHER,
    Relation.GRANDMOTHER,
    Relation.MATERNAL_GRANDFATHER,
    Relation.MATERNAL_GRANDMOTHER,
]


def issues(
    frame: pl.DataFrame,
    condition: pl.Expr,
    *,
    field: str,
    code: str,
    level: str = ERROR,
    param: pl.Expr | None = None,
    value: pl.Expr | None = None,
):
    """Issue rows for the rows of `frame` where `condition` holds."""
    if field + "__raw" in frame.columns:
        default_value = pl.col(field + "__raw")
    elif field in frame.columns:
        default_value = pl.col(field).cast(pl.String)
    else:
        default_value = pl.lit(None, dtype=pl.String)
    return frame.filter(condition.fill_null(False)).select(
        pl.col("_sheet").alias("sheet"),
        pl.col("_row").alias("row"),
        pl.lit(field).alias("field"),
        (value if value is not None else default_value).cast(pl.String).alias("value"),
        pl.lit(code).alias("code"),
        pl.lit(level).alias("level"),
        (param if param is not None else pl.lit(None)).cast(pl.String).alias("param"),
    )


def narrow(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Only the columns a check reads (with their raw cells, for the message), so that joining
    a county's members for one check does not copy every column of the file."""
    wanted = ["_sheet", "_row", *names, *(n + "__raw" for n in names)]
    return frame.select([n for n in dict.fromkeys(wanted) if n in frame.columns])


def has(frame: pl.DataFrame, *names: str) -> bool:
    return all(name in frame.columns for name in names)


def text_checks(frame: pl.DataFrame, names: list[str]) -> list[pl.DataFrame]:
    out = []
    for name in names:
        column = BY_NAME[name]
        if column.max_length and name in frame.columns:
            out.append(
                issues(
                    frame,
                    pl.col(name).str.len_chars() > column.max_length,
                    field=name,
                    code="too_long",
                    param=pl.lit(str(column.max_length)),
                    value=pl.col(name).str.slice(0, 40),
                )
            )
    return out


def phone_check(frame: pl.DataFrame, name: str) -> list[pl.DataFrame]:
    if name not in frame.columns:
        return []
    phone = pl.col(name).fill_null("")
    bad = (
        (phone != "")
        & ~phone.str.contains(MOBILE_RE.pattern)
        & ~phone.str.contains(LANDLINE_RE.pattern)
    )
    return [issues(frame, bad, field=name, code="phone")]


def account_checks(frame: pl.DataFrame) -> list[pl.DataFrame]:
    """A bank account number of digits only, neither cut short nor masked."""
    if "bank_account" not in frame.columns:
        return []
    account = pl.col("bank_account").fill_null("")
    masked = account.str.contains(r"\*")
    return [
        issues(frame, masked, field="bank_account", code="masked"),
        issues(
            frame,
            (account != "") & ~masked & ~account.str.contains(ACCOUNT_NUMBER_RE.pattern),
            field="bank_account",
            code="bank_account",
        ),
    ]


def identity_checks(frame: pl.DataFrame, *, today: datetime.date) -> tuple[pl.DataFrame, list]:
    """Check identity numbers as their document type requires; fill sex and birth date from
    valid ones that encode them; flag contradictions."""
    if "id_number" not in frame.columns:
        return frame, []
    number = pl.col("id_number")
    document = (
        pl.col("document_type").fill_null(DocumentType.RESIDENT_ID.value)
        if "document_type" in frame.columns
        else pl.lit(DocumentType.RESIDENT_ID.value)
    )
    present = number.is_not_null() & (number != "")
    # The older foreign card: three letters and twelve digits, neither birth date nor check.
    old_foreign = (
        present
        & (document == DocumentType.FOREIGN_PERMANENT.value)
        & (number.str.len_chars() == 15)
    )
    old_foreign_bad = old_foreign & ~number.str.contains(f"^{OLD_FOREIGN_RE.pattern}$")
    length_bad = present & ~old_foreign & (number.str.len_chars() != 18)
    format_bad = present & ~old_foreign & ~length_bad & ~number.str.contains(r"^\d{17}[\dX]$")
    prefix_bad = pl.lit(False)
    for document_type, prefixes in DOCUMENT_PREFIXES.items():
        starts = pl.any_horizontal([number.str.starts_with(p) for p in prefixes])
        prefix_bad = prefix_bad | ((document == document_type.value) & ~starts)
    prefix_bad = present & ~old_foreign & ~length_bad & ~format_bad & prefix_bad
    well_formed = present & ~old_foreign & ~length_bad & ~format_bad & ~prefix_bad
    born = number.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    date_bad = well_formed & (
        born.is_null() | (born > today) | (born.dt.year() < EARLIEST_BIRTH_YEAR)
    )
    checksum_bad = (
        well_formed
        & ~date_bad
        & (check_character(number.str.slice(0, 17)) != number.str.slice(17, 1))
    )
    frame = frame.with_columns(
        (well_formed & ~date_bad & ~checksum_bad).alias("_id_ok"),
        born.alias("_id_born"),
        pl.when(number.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
        .then(pl.lit(Sex.MALE.value))
        .otherwise(pl.lit(Sex.FEMALE.value))
        .alias("_id_sex"),
    )
    out = [
        issues(
            frame, length_bad, field="id_number", code="id_length", param=number.str.len_chars()
        ),
        issues(frame, format_bad, field="id_number", code="id_format"),
        issues(frame, old_foreign_bad, field="id_number", code="id_old_foreign"),
        issues(frame, prefix_bad, field="id_number", code="id_document", param=document),
        issues(
            frame,
            date_bad,
            field="id_number",
            code="id_birth_date",
            param=pl.concat_str(
                [number.str.slice(6, 4), number.str.slice(10, 2), number.str.slice(12, 2)],
                separator="-",
            ),
        ),
        issues(frame, checksum_bad, field="id_number", code="id_checksum"),
        issues(frame, number.str.contains(r"\*"), field="id_number", code="masked"),
    ]
    ok = pl.col("_id_ok")
    if "sex" in frame.columns:
        out.append(
            issues(
                frame,
                ok & pl.col("sex").is_not_null() & (pl.col("sex") != pl.col("_id_sex")),
                field="sex",
                code="id_sex",
                param=pl.col("_id_sex"),
            )
        )
    if "birth_date" in frame.columns:
        out.append(
            issues(
                frame,
                ok
                & pl.col("birth_date").is_not_null()
                & (pl.col("birth_date") != pl.col("_id_born")),
                field="birth_date",
                code="id_birth",
                param=pl.col("_id_born").cast(pl.String),
            )
        )
    frame = frame.with_columns(
        (
            pl.coalesce(pl.col("sex"), pl.when(ok).then(pl.col("_id_sex")))
            if "sex" in frame.columns
            else pl.when(ok).then(pl.col("_id_sex"))
        ).alias("sex"),
        (
            pl.coalesce(pl.col("birth_date"), pl.when(ok).then(pl.col("_id_born")))
            if "birth_date" in frame.columns
            else pl.when(ok).then(pl.col("_id_born"))
        ).alias("birth_date"),
    )
    return frame, out


def person_checks(
    frame: pl.DataFrame, *, today: datetime.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cell and row checks of members; returns the frame with sex and birth date completed."""
    frame, out = identity_checks(frame, today=today)
    for name in ("name", "relation", "sex", "birth_date"):
        if name not in frame.columns:
            frame = frame.with_columns(
                pl.lit(None, dtype=pl.String if name != "birth_date" else pl.Date).alias(name)
            )
        raw_blank = (
            blank_cell(pl.col(name + "__raw")) if name + "__raw" in frame.columns else pl.lit(True)
        )
        empty = pl.col(name).is_null() | (pl.col(name).cast(pl.String) == "")
        out.append(issues(frame, empty & raw_blank, field=name, code="required"))
    out.append(issues(frame, pl.col("birth_date") > today, field="birth_date", code="future_date"))
    out += text_checks(frame, ["name", "disability_certificate", "migrant_place", "bank"])
    out += phone_check(frame, "phone")
    out += account_checks(frame)
    if "education" in frame.columns or "schooling" in frame.columns:
        education = (
            (pl.col("education").fill_null("") != "")
            if "education" in frame.columns
            else pl.lit(False)
        )
        schooling = (
            (pl.col("schooling").fill_null("") != "")
            if "schooling" in frame.columns
            else pl.lit(False)
        )
        out.append(
            issues(frame, education & schooling, field="schooling", code="education_and_schooling")
        )
        out.append(
            issues(frame, ~education & ~schooling, field="education", code="education_or_schooling")
        )
    if has(frame, "migrant_months"):
        months = pl.col("migrant_months").fill_null(0)
        out.append(
            issues(
                frame, months > 12, field="migrant_months", code="out_of_range", param=pl.lit("12")
            )
        )
        if has(frame, "migrant_work"):
            work = pl.col("migrant_work").fill_null("") != ""
            out.append(
                issues(
                    frame, (months > 0) & ~work, field="migrant_work", code="months_without_work"
                )
            )
            out.append(
                issues(
                    frame, work & (months == 0), field="migrant_months", code="work_without_months"
                )
            )
    if has(frame, "migrant_place"):
        work = (
            (pl.col("migrant_work").fill_null("") != "")
            if "migrant_work" in frame.columns
            else pl.lit(False)
        )
        place = pl.col("migrant_place").fill_null("") != ""
        out.append(issues(frame, place & ~work, field="migrant_place", code="place_without_work"))
    if has(frame, "_healthy"):
        category = (
            (pl.col("disability_category").fill_null("") != "")
            if "disability_category" in frame.columns
            else pl.lit(False)
        )
        ill = (
            pl.col("chronic_illness").fill_null(False)
            | pl.col("serious_illness").fill_null(False)
            | category
            | pl.col("_disabled").fill_null(False)
        )
        out.append(
            issues(
                frame,
                pl.col("_healthy").fill_null(False) & ill,
                field="health",
                code="healthy_and_ill",
            )
        )
        out.append(
            issues(
                frame,
                pl.col("_disabled").fill_null(False) & ~category,
                field="health",
                code="disability_without_category",
                level=WARNING,
            )
        )
    if has(frame, "disability_category", "disability_grade"):
        category = pl.col("disability_category").fill_null("") != ""
        grade = pl.col("disability_grade").is_not_null()
        out.append(
            issues(
                frame, grade & ~category, field="disability_category", code="grade_without_category"
            )
        )
        out.append(
            issues(
                frame, category & ~grade, field="disability_grade", code="category_without_grade"
            )
        )
    relation_label = pl.col("relation")
    wrong_sex = (
        pl.col("relation").is_in([r.value for r in MALE_RELATIONS]) & (pl.col("sex") == Sex.FEMALE)
    ) | (
        pl.col("relation").is_in([r.value for r in FEMALE_RELATIONS]) & (pl.col("sex") == Sex.MALE)
    )
    out.append(
        issues(frame, wrong_sex, field="relation", code="relation_sex", param=relation_label)
    )
    if has(frame, "labour"):
        age = (pl.lit(today) - pl.col("birth_date")).dt.total_days() / 365.25
        healthy = pl.lit(True)
        for name in ("chronic_illness", "serious_illness"):
            if name in frame.columns:
                healthy = healthy & ~pl.col(name).fill_null(False)
        if "disability_category" in frame.columns:
            healthy = healthy & (pl.col("disability_category").fill_null("") == "")
        not_in_school = (
            (pl.col("schooling").fill_null("") == "")
            if "schooling" in frame.columns
            else pl.lit(True)
        )
        out.append(
            issues(
                frame,
                age.is_between(16, 60) & healthy & not_in_school & (pl.col("labour") == "none"),
                field="labour",
                code="labour_suspicious",
                level=WARNING,
            )
        )
    if "id_number" in frame.columns:
        out += repeated_numbers(frame)
    return frame, concat(out)


def repeated_numbers(frame: pl.DataFrame) -> list[pl.DataFrame]:
    """An identity number on several rows of the file: each of them names all the others (with
    the sheet, when another sheet holds it)."""
    number = pl.col("id_number").fill_null("")
    counts = (
        frame.filter(number != "")
        .group_by("id_number")
        .agg(pl.len().alias("_count"))
        .filter(pl.col("_count") > 1)
    )
    if not counts.height:
        return []
    rows = narrow(frame, "id_number").join(counts, on="id_number", how="inner")
    others = rows.select(
        "id_number", pl.col("_sheet").alias("_other_sheet"), pl.col("_row").alias("_other")
    )
    pairs = (
        rows.join(others, on="id_number")
        .filter((pl.col("_other") != pl.col("_row")) | (pl.col("_other_sheet") != pl.col("_sheet")))
        .sort("_other_sheet", "_other")
        .with_columns(
            pl.when(pl.col("_other_sheet") == pl.col("_sheet"))
            .then(pl.col("_other").cast(pl.String))
            .otherwise(pl.concat_str([pl.col("_other_sheet"), pl.col("_other")], separator=" "))
            .alias("_where")
        )
    )
    keep = [c for c in rows.columns if c != "_count"]
    named = pairs.group_by(keep, maintain_order=True).agg(
        pl.col("_where").str.join(", "), pl.len().alias("_others")
    )
    return [
        issues(
            named,
            pl.col("_others") == 1,
            field="id_number",
            code="id_twice",
            param=pl.col("_where"),
        ),
        issues(
            named,
            pl.col("_others") > 1,
            field="id_number",
            code="id_many_times",
            param=pl.col("_where"),
        ),
    ]


def head_checks(persons: pl.DataFrame, *, registered: pl.DataFrame):
    """户主姓名 and 户主证件号码 checked against the head: the member whose relation is 户主 in
    the file, or else the registered head. They name the head on every row or on the head's
    row only; a member's own name is never taken from them.

    `registered` holds the registered heads (`_hkey`, `_reg_name`, `_reg_hash`); a typed head's
    number is compared with a registered one by its keyed hash (`_head_id_hash`). Returns the
    issues and each household's head's name (`_hkey`, `_hname`), which names it in messages.
    """
    heads = (
        persons.filter(pl.col("relation") == Relation.HEAD)
        .unique("_hkey", keep="first", maintain_order=True)
        .select(
            "_hkey",
            pl.col("name").alias("_head_name"),
            (pl.col("id_number") if "id_number" in persons.columns else pl.lit(None))
            .cast(pl.String)
            .alias("_head_id"),
        )
    )
    head_name = pl.coalesce(pl.col("_head_name"), pl.col("_reg_name"))
    if not has(persons, "head_name") and not has(persons, "head_id_number"):
        # Nothing typed to check: the heads alone name the households, row by row is not read.
        names = heads.join(registered, on="_hkey", how="full", coalesce=True).select(
            "_hkey", head_name.alias("_hname")
        )
        return concat([]), names.filter(pl.col("_hname").fill_null("") != "")
    rows = (
        narrow(persons, "_hkey", "head_name", "head_id_number", "_head_id_hash")
        .join(heads, on="_hkey", how="left")
        .join(registered, on="_hkey", how="left")
    )
    out = []
    if "head_name" in rows.columns:
        typed = pl.col("head_name").fill_null("")
        out.append(
            issues(
                rows,
                (typed != "") & (head_name.fill_null("") != "") & (typed != head_name),
                field="head_name",
                code="head_name_mismatch",
                param=head_name,
            )
        )
        head_name = pl.coalesce(head_name, pl.when(typed != "").then(typed))
    if "head_id_number" in rows.columns:
        typed = pl.col("head_id_number").fill_null("")
        in_file = pl.col("_head_id").fill_null("")
        differs = pl.when(in_file != "").then(typed != in_file)
        if "_head_id_hash" in rows.columns:
            differs = differs.when(pl.col("_reg_hash").is_not_null()).then(
                pl.col("_head_id_hash").fill_null("") != pl.col("_reg_hash")
            )
        out.append(
            issues(
                rows,
                (typed != "") & differs.otherwise(False),
                field="head_id_number",
                code="head_id_mismatch",
            )
        )
    names = (
        rows.select("_hkey", head_name.alias("_hname"))
        .filter(pl.col("_hname").fill_null("") != "")
        .unique("_hkey", keep="first", maintain_order=True)
    )
    return concat(out), names


def household_label(number: pl.Expr, head: pl.Expr) -> pl.Expr:
    """A household as messages name it: its number, and its head's name when known."""
    return (
        pl.when(head.fill_null("") != "")
        .then(pl.concat_str([number, pl.lit(" ("), head, pl.lit(")")]))
        .otherwise(number)
    )


def size_check(households: pl.DataFrame, persons: pl.DataFrame) -> list[pl.DataFrame]:
    """The household size (人数) as written, against the members the file lists: a warning,
    since a file may list only some members of a registered household."""
    if "size" not in households.columns:
        return []
    members = persons.group_by("_hkey").agg(pl.len().alias("_members"))
    joined = narrow(households, "_hkey", "size").join(members, on="_hkey", how="left")
    return [
        issues(
            joined,
            pl.col("size").is_not_null() & (pl.col("size") != pl.col("_members").fill_null(0)),
            field="size",
            code="size_differs",
            level=WARNING,
            param=pl.col("_members").fill_null(0),
        )
    ]


def family_checks(
    persons: pl.DataFrame, *, heads_in_db: set, names: pl.DataFrame, today: datetime.date
) -> pl.DataFrame:
    """Per household in the file: one head, at most one spouse of the other sex, ages that fit.
    A household is named by its number and its head's name (`names`, from `head_checks`)."""
    out = []
    persons = narrow(persons, "_hkey", "number", "relation", "sex", "birth_date")
    counts = (
        persons.group_by("_hkey")
        .agg(
            pl.col("_row").min().alias("_first_row"),
            pl.col("_sheet").first().alias("_first_sheet"),
            (pl.col("relation") == Relation.HEAD).sum().alias("_heads"),
            (pl.col("relation") == Relation.SPOUSE).sum().alias("_spouses"),
            pl.col("number").first().alias("_hnumber"),
        )
        .join(names, on="_hkey", how="left")
        .with_columns(household_label(pl.col("_hnumber"), pl.col("_hname")).alias("_number"))
        .drop("_hnumber", "_hname")
    )
    first = counts.with_columns(
        pl.col("_first_row").alias("_row"), pl.col("_first_sheet").alias("_sheet")
    )
    out.append(
        issues(
            first,
            (pl.col("_heads") == 0) & ~pl.col("_hkey").is_in(list(heads_in_db)),
            field="relation",
            code="no_head",
            param=pl.col("_number"),
            value=pl.lit(""),
        )
    )
    joined = persons.join(counts, on="_hkey")
    out.append(
        issues(
            joined,
            (pl.col("_heads") > 1) & (pl.col("relation") == Relation.HEAD),
            field="relation",
            code="two_heads",
            param=pl.col("_number"),
        )
    )
    out.append(
        issues(
            joined,
            (pl.col("_spouses") > 1) & (pl.col("relation") == Relation.SPOUSE),
            field="relation",
            code="two_spouses",
            param=pl.col("_number"),
        )
    )
    heads = (
        persons.filter(pl.col("relation") == Relation.HEAD)
        .unique("_hkey", keep="first")
        .select("_hkey", pl.col("sex").alias("_head_sex"), pl.col("birth_date").alias("_head_born"))
    )
    with_head = persons.join(heads, on="_hkey", how="inner")
    out.append(
        issues(
            with_head,
            (pl.col("relation") == Relation.SPOUSE) & (pl.col("sex") == pl.col("_head_sex")),
            field="relation",
            code="spouse_sex",
        )
    )
    label = pl.col("relation")
    contradicts = (
        pl.col("relation").is_in([r.value for r in YOUNGER_THAN_HEAD])
        & (pl.col("birth_date") <= pl.col("_head_born"))
    ) | (
        pl.col("relation").is_in([r.value for r in OLDER_THAN_HEAD])
        & (pl.col("birth_date") >= pl.col("_head_born"))
    )
    out.append(
        issues(
            with_head,
            contradicts,
            field="birth_date",
            code="age_relation",
            level=WARNING,
            param=label,
        )
    )
    return concat(out)


def household_checks(households: pl.DataFrame) -> list[pl.DataFrame]:
    """Causes of poverty in order and each given once; amounts, areas and distances not
    negative."""
    out = []
    main = (
        pl.col("main_cause").fill_null("")
        if "main_cause" in households.columns
        else pl.lit("", dtype=pl.String)
    )
    if has(households, "other_cause_1", "other_cause_2"):
        first = pl.col("other_cause_1").fill_null("")
        second = pl.col("other_cause_2").fill_null("")
        raw = pl.col("other_cause_1__raw")
        out.append(
            issues(
                households,
                (first != "") & (main == ""),
                field="other_causes",
                code="causes_without_main",
                value=raw,
            )
        )
        out.append(
            issues(
                households,
                (main != "") & ((first == main) | (second == main)),
                field="other_causes",
                code="cause_twice",
                value=raw,
            )
        )
    for name in households.columns:
        if name in BY_NAME and BY_NAME[name].kind == "decimal":
            out.append(issues(households, pl.col(name) < 0, field=name, code="negative"))
    return out


def concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f.cast(ISSUE_SCHEMA) for f in frames if f.height]
    return pl.concat(frames) if frames else pl.DataFrame(schema=ISSUE_SCHEMA)
