"""What each import issue code says to the user, rendered in the active language.

Issues are kept as codes with a parameter so that one import can be reported in Chinese to one
user and in English to another; the identity and family messages are the ones the forms use.
"""

import re

import polars as pl
from django.utils.translation import gettext as _

from villagedesk.core.masking import mask_id_number, mask_phone
from villagedesk.registry.codes import DocumentType, Relation, Sex
from villagedesk.registry.imports.columns import BY_NAME
from villagedesk.registry.models import PERSONAL_NUMBERS

# The personal numbers an import reads, each with its mask: a member's own, the head's identity
# number typed beside them and the household's phone. An issue, the preview, the command's output
# and the error report quote them masked, as every page does: the file's uploader sees no more
# of them than the registry shows once they are loaded.
PERSONAL_FIELDS = {
    **PERSONAL_NUMBERS,
    "head_id_number": mask_id_number,
    "household_phone": mask_phone,
}
# A run of digits as long as an identity number (15 digits of the first generation, 18 of the
# second, with a final X): masked wherever else it stands (a note, a column no field reads), but
# in the household number, which some counties make that long.
IDENTITY_RUN = re.compile(r"\d{15,}(?:[Xx]\d*)?")
# A mobile number (eleven digits from 13 to 19) standing alone, masked as a phone is.
PHONE_RUN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
UNMASKED = {"number"}

LABELLED = {
    "id_sex": Sex,
    "relation_sex": Relation,
    "age_relation": Relation,
    "id_document": DocumentType,
}


def messages() -> dict[str, str]:
    return {
        "unreadable_code": _("“%(value)s” is not one of the values of “%(column)s”."),
        "unreadable_date": _("“%(value)s” is not a date; write it as 2000-01-02."),
        "unreadable_bool": _("“%(value)s” is neither yes (是) nor no (否)."),
        "unreadable_int": _("“%(value)s” is not a whole number."),
        "unreadable_codes": _(
            "“%(value)s” is not a list of values of “%(column)s” separated by commas or 、."
        ),
        "unreadable_decimal": _("“%(value)s” is not an amount in yuan."),
        "unreadable_number": _("“%(value)s” is not a number for “%(column)s”."),
        "too_many_values": _("“%(column)s” takes at most %(param)s values."),
        "lost_digits": _(
            "“%(value)s” is a number the spreadsheet keeps without its last digits; format "
            "“%(column)s” as text and type the number in full."
        ),
        "negative": _("“%(column)s” cannot be negative."),
        "causes_without_main": _("Give the main cause before the other causes."),
        "cause_twice": _("An other cause differs from the main cause."),
        "place_without_work": _(
            "Say how far away the person works before naming the place of migrant work."
        ),
        "healthy_and_ill": _("A person recorded as healthy has no illness or disability."),
        "disability_without_category": _(
            "Health says 残疾 but no kind of disability is given: the disability is not recorded."
        ),
        "id_document": _("This number does not start as a number of a %(param)s does."),
        "id_old_foreign": _(
            "A foreign permanent-resident card of the older form is three letters "
            "followed by twelve digits."
        ),
        "required": _("“%(column)s” is required."),
        "too_long": _("“%(column)s” is longer than %(param)s characters."),
        "out_of_range": _("“%(value)s” is more than %(param)s."),
        "id_length": _("An identity number has 18 characters; this one has %(n)d."),
        "id_format": _("An identity number is 17 digits followed by a digit or X."),
        "id_birth_date": _("The birth date %(date)s in this identity number is impossible."),
        "id_checksum": _(
            "The check character of this identity number is wrong: the number has a typo."
        ),
        "id_sex": _("The identity number is of a %(sex)s."),
        "id_birth": _("The identity number gives the birth date %(date)s."),
        "future_date": _("A date of birth cannot be in the future."),
        "phone": _(
            "A mobile number has 11 digits and starts with 13 to 19; a landline starts with "
            "its area code, such as 0871."
        ),
        "education_and_schooling": _(
            "Give either the education (for those out of school) or the schooling status, not both."
        ),
        "education_or_schooling": _(
            "Give the education of a person out of school, or the schooling status of one in "
            "or before school."
        ),
        "months_without_work": _("Say where the person works away, since months are given."),
        "work_without_months": _("Give the months of migrant work, since a place is given."),
        "grade_without_category": _("Give the kind of disability for this grade."),
        "category_without_grade": _("Give the grade of the disability."),
        "relation_sex": _("A %(param)s cannot be of this sex."),
        "id_twice": _("This identity number is also on row %(param)s of the file."),
        "id_many_times": _("This identity number is also on rows %(param)s of the file."),
        "head_name_mismatch": _(
            "The head of this household is %(param)s, not “%(value)s”: 户主姓名 names the head."
        ),
        "head_id_mismatch": _("This is not the identity number of the household's head."),
        "size_differs": _(
            "The household size is %(value)s, but the file lists %(param)s members of it."
        ),
        "id_elsewhere": _("This identity number is already registered in household %(param)s."),
        "id_unusable": _("This identity number cannot be registered here; ask the county office."),
        "household_twice": _("Household %(value)s is also on row %(param)s."),
        "no_head": _("Household %(param)s has no head."),
        "two_heads": _("Household %(param)s has more than one head."),
        "two_spouses": _("Household %(param)s has more than one spouse of the head."),
        "spouse_sex": _("The head and the spouse cannot be of the same sex."),
        "age_relation": _("The age of this %(param)s does not fit the head's age."),
        "labour_suspicious": _(
            "Aged 16 to 60, healthy and not in school, but recorded without labour ability."
        ),
        "unknown_village": _("“%(value)s” is not a village of the area being imported."),
        "ambiguous_village": _("More than one village is called “%(value)s”; give its code."),
        "unknown_group": _("“%(value)s” is not a group of this village."),
        "ambiguous_group": _(
            "More than one group of this village is called “%(value)s”; give its number."
        ),
        "household_value_differs": _(
            "“%(column)s” differs from row %(param)s of the same household, whose value was taken."
        ),
        "unknown_household": _("Household %(value)s is neither in the file nor registered."),
        "masked": _("This number is masked; export the ledger with full numbers to re-import it."),
        "bank_account": _("A bank account number is 8 to 30 digits."),
    }


def value_shown(field: str | None, value: str | None) -> str | None:
    """A cell of the file as an import quotes it: a personal number masked, and in any other
    column (`field` None for one no field reads) a run of digits as long as an identity number,
    and a mobile number."""
    if not value or field in UNMASKED:
        return value
    if field in PERSONAL_FIELDS:
        return PERSONAL_FIELDS[field](value)
    value = IDENTITY_RUN.sub(lambda match: mask_id_number(match.group()), value)
    return PHONE_RUN.sub(lambda match: mask_phone(match.group()), value)


def masked_issues(issues: pl.DataFrame) -> pl.DataFrame:
    """The issues with the numbers their values quote masked (`value_shown`); only the values
    that hold one are looked at, the order is kept."""
    rows = issues.with_row_index("_order")
    quoting = (
        pl.col("field").is_in(list(PERSONAL_FIELDS))
        | pl.col("value").str.contains(IDENTITY_RUN.pattern)
        | pl.col("value").str.contains(r"1[3-9]\d{9}")
    ) & ~pl.col("field").is_in(list(UNMASKED))
    masked = rows.filter(quoting.fill_null(False))
    if not masked.height:
        return issues
    shown = [
        value_shown(field, value)
        for field, value in zip(masked["field"], masked["value"], strict=True)
    ]
    masked = masked.with_columns(pl.Series("value", shown, dtype=pl.String))
    kept = rows.filter(~quoting.fill_null(False))
    return pl.concat([kept, masked]).sort("_order").drop("_order")


def internal_error() -> str:
    """What the user reads when the import stops on an error of the program itself."""
    return _(
        "The import stopped on an unexpected error of the program and nothing was written; "
        "please tell the administrator."
    )


def unread_line(unread: list[dict]) -> str:
    """The columns no field reads, as one line: their headers and letters."""
    columns = ", ".join(
        f"{c['header']} ({c['column']})" if c["header"] else c["column"] for c in unread
    )
    return _("These columns were not read: %(columns)s.") % {"columns": columns}


def column_shown(issue: dict) -> str:
    """The column an issue is in, as the sheet shows it: letters and header, or else the name
    of the field when the file has no column for it."""
    if issue.get("column"):
        return f"{issue['column']} {issue['header']}".strip()
    column = BY_NAME.get(issue["field"])
    return str(column.label) if column else issue["field"]


def place(issue: dict) -> str:
    """Where an issue is: the sheet, the row number as the sheet shows it, and the column."""
    return _("%(sheet)s row %(row)s, %(column)s") % {
        "sheet": issue["sheet"],
        "row": issue["row"],
        "column": column_shown(issue),
    }


def render(*, code: str, field: str, value: str | None, param: str | None) -> str:
    column = BY_NAME.get(field)
    param = param if param is not None else ""
    if code in LABELLED and param:
        # Codes are kept in the issue and shown as labels in the reader's language.
        param = str(LABELLED[code](param).label)
    return messages()[code] % {
        "value": value if value is not None else "",
        "column": str(column.label) if column else field,
        "param": param,
        # The identity messages are the forms' own, with their own names for the parameter.
        "n": int(param) if param.isdigit() else 0,
        "date": param,
        "sex": param,
    }
