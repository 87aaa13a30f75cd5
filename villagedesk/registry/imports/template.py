"""The blank ledger offered on the import page, and the list of headers the importer reads.

Both are made from the importer's own columns (`columns.COLUMNS`), so neither can name a header
the importer does not read. The ledger is the single-sheet layout of the person roster export
(`exports.PERSON_COLUMNS`): a title row, the header row, and one example household, made up and
named so (示例), with the household's fields on the head's row and codes written as the labels
of the user's language, as an export writes them.
"""

import re

from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.core.spreadsheets import (
    rows_write,
    sheet_with_header,
    workbook_bytes,
    workbook_new,
)
from villagedesk.registry import codes
from villagedesk.registry.exports import PERSON_COLUMNS, header, label_map, value_separator
from villagedesk.registry.imports.columns import BY_NAME, COLUMNS, HOUSEHOLD, REQUIREMENTS

CJK = re.compile(r"[\u3400-\u9fff]")

# The example household: a head, a spouse and a son at school, without identity numbers (a
# made-up number could be someone's). The head's row carries the household's fields.
EXAMPLE_NUMBER = "示例001"
EXAMPLE_HOUSEHOLD = {
    "address": "示例组1号",
    "status": codes.HouseholdStatus.NOT_POOR,
    "housing_safety": codes.Safety.SAFE,
    "water_safety": codes.Safety.SAFE,
    "owns_vehicle": False,
    "arable_land": "3.5",
    "road_type": codes.RoadType.CEMENT,
    "housing_area": "120",
    "main_fuel": codes.Fuel.ELECTRICITY,
    "sanitary_toilet": True,
    "household_electricity": True,
    "production_electricity": True,
    "radio_tv": True,
}
EXAMPLE_MEMBERS = [
    {
        "name": "示例户主",
        "sex": codes.Sex.MALE,
        "birth_date": "1975-06-01",
        "relation": codes.Relation.HEAD,
        "education": codes.Education.JUNIOR,
        "labour": codes.Labour.ORDINARY,
    },
    {
        "name": "示例配偶",
        "sex": codes.Sex.FEMALE,
        "birth_date": "1978-03-15",
        "relation": codes.Relation.SPOUSE,
        "education": codes.Education.PRIMARY,
        "labour": codes.Labour.ORDINARY,
    },
    {
        "name": "示例之子",
        "sex": codes.Sex.MALE,
        "birth_date": "2014-09-01",
        "relation": codes.Relation.SON,
        "schooling": codes.Schooling.PRIMARY,
    },
]
EXAMPLE_EVERYONE = {
    "ethnicity": codes.Ethnicity.HAN,
    "health": [codes.Health.HEALTHY],
    "medical_insurance": True,
}


def accepted_headers() -> list[dict]:
    """Each column the importer reads: its name, the Chinese and the English headers it is found
    by (the first Chinese one the official form's), whether it belongs to the household or the
    member, and when a row must give it."""
    return [
        {
            "name": column.name,
            "label": column.label,
            "household": column.table == HOUSEHOLD,
            "chinese": [s for s in column.synonyms if CJK.search(s)],
            "english": [s for s in column.synonyms if not CJK.search(s)],
            "required": REQUIREMENTS.get(column.required, ""),
        }
        for column in COLUMNS
    ]


def cell(name: str, value) -> str:
    """A value of the example as the export writes it: a code or yes/no as its label, several
    codes as their labels in one cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return value_separator().join(str(BY_NAME[name].choices(v).label) for v in value)
    labels = label_map(name)
    if labels is not None:
        key = str(value).lower() if isinstance(value, bool) else str(value)
        return str(labels[key])
    return str(value)


def example_rows(*, village: str) -> list[list[str]]:
    rows = []
    for member in EXAMPLE_MEMBERS:
        values = {"village": village, "number": EXAMPLE_NUMBER, **EXAMPLE_EVERYONE, **member}
        if member["relation"] == codes.Relation.HEAD:
            values.update(EXAMPLE_HOUSEHOLD)
        rows.append([cell(name, values.get(name)) for name in PERSON_COLUMNS])
    return rows


def example_village(user: User) -> str:
    """How the example names its village: the first village whose registry the user keeps, by
    its name, or by its code where another of the user's villages has the same name."""
    villages = permissions.village_list(user, Capability.KEEP_REGISTRY)
    first = villages.first()
    if first is None:
        return ""
    return first.code if villages.filter(name=first.name).count() > 1 else first.name


def import_template(*, village: str = "") -> bytes:
    """The ledger to fill in, as .xlsx; `village` names the example's village (blank: the one
    imported into)."""
    headers = [header(name) for name in PERSON_COLUMNS]
    book = workbook_new()
    sheet, first_row = sheet_with_header(
        book,
        _("Ledger"),
        headers,
        widths=[min(max(len(h) * 2, 8) + 2, 40) for h in headers],
        title=_("Household ledger: import template (replace the example household, 示例)"),
    )
    rows_write(sheet, first_row, example_rows(village=village))
    return workbook_bytes(book)
