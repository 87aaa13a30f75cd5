"""Resident identity numbers (GB 11643), phone and bank account numbers: normalise, check, mask.

An 18-character number is a 6-digit area code of registration, an 8-digit birth date, a 3-digit
sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character. The area code is
the one in force when the number was issued and may have been abolished since, so it is never
checked against the current list of codes.

Other documents follow their own forms. The residence permits of Hong Kong, Macao and Taiwan
residents are built like a resident identity number, with the area codes 810000, 820000 and
830000. The 2023 foreign permanent-resident card is 18 characters starting with 9 (province,
country, birth date, sequence, check character, as GB 11643); the older card is 15 characters,
three letters of the country and twelve digits, with no check character.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from villagedesk.registry.codes import DocumentType, Sex

EARLIEST_BIRTH_YEAR = 1890
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")
# A bank account for payments: a card number or a passbook account, digits only. The range is a
# plausibility check that catches a number cut short or run into another, not a bank's rule.
ACCOUNT_NUMBER_RE = re.compile(r"^\d{8,30}$")


@dataclass(frozen=True)
class IdentityFacts:
    number: str
    birth_date: datetime.date | None  # None where the document does not encode it
    sex: str | None


# The fixed start of the 18-character documents other than the resident identity card.
DOCUMENT_PREFIXES = {
    DocumentType.HK_MACAO_RESIDENCE: ("810000", "820000"),
    DocumentType.TAIWAN_RESIDENCE: ("830000",),
    DocumentType.FOREIGN_PERMANENT: ("9",),
}
OLD_FOREIGN_RE = re.compile(r"[A-Z]{3}\d{12}")


def normalise_id_number(raw: str) -> str:
    """Full-width digits to ASCII, blanks removed, a lower-case x made upper case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).upper()


CHECK_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def upgrade_15(number: str) -> str:
    """A first-generation 15-digit number (two-digit year, no check) as its 18-digit form."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def identity_facts(
    raw: str,
    *,
    document_type: str = DocumentType.RESIDENT_ID,
    today: datetime.date | None = None,
) -> IdentityFacts:
    """Check a number of the given document type and return it normalised, with the birth date
    and sex it encodes (None for the older foreign card, which encodes neither reliably).

    Raises ValidationError with a message saying what is wrong.
    """
    number = normalise_id_number(raw)
    if document_type == DocumentType.FOREIGN_PERMANENT and len(number) == 15:
        if not OLD_FOREIGN_RE.fullmatch(number):
            raise ValidationError(
                _(
                    "A foreign permanent-resident card of the older form is three letters "
                    "followed by twelve digits."
                ),
                code="id_format",
            )
        return IdentityFacts(number=number, birth_date=None, sex=None)
    if document_type == DocumentType.RESIDENT_ID and re.fullmatch(r"\d{15}", number):
        number = upgrade_15(number)
    if len(number) != 18:
        raise ValidationError(
            _("An identity number has 18 characters; this one has %(n)d."),
            code="id_length",
            params={"n": len(number)},
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            _("An identity number is 17 digits followed by a digit or X."), code="id_format"
        )
    prefixes = DOCUMENT_PREFIXES.get(document_type)
    if prefixes and not number.startswith(prefixes):
        raise ValidationError(
            _("A %(document)s number starts with %(prefixes)s."),
            code="id_document",
            params={
                "document": DocumentType(document_type).label,
                "prefixes": " / ".join(prefixes),
            },
        )
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date %(date)s in this identity number does not exist."),
            code="id_birth_date",
            params={"date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"},
        ) from None
    today = today or datetime.date.today()  # noqa: DTZ011 (a calendar date, not an instant)
    if birth_date > today or birth_date.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The birth date %(date)s in this identity number is impossible."),
            code="id_birth_date",
            params={"date": birth_date.isoformat()},
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check character of this identity number is wrong: the number has a typo."),
            code="id_checksum",
        )
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return IdentityFacts(number=number, birth_date=birth_date, sex=sex)


def normalise_phone(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"[\s\-()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    return text


def check_phone(raw: str) -> str:
    """A mainland mobile number (11 digits from 13 to 19) or a landline with its area code."""
    phone = normalise_phone(raw)
    if phone and not (MOBILE_RE.fullmatch(phone) or LANDLINE_RE.fullmatch(phone)):
        raise ValidationError(
            _(
                "A mobile number has 11 digits and starts with 13 to 19; a landline starts with "
                "its area code, such as 0871."
            ),
            code="phone",
        )
    return phone


def normalise_account_number(text: str) -> str:
    """An account number as cadres type it (full-width digits, blanks or hyphens between groups
    of four) as digits only."""
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", text or ""))
