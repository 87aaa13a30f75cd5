"""Personal numbers as others see them: masked unless the viewer may reveal them.

Every page, export and answer that shows an identity or phone number passes it through here.
"""


def mask_id_number(number: str) -> str:
    """The first 6 and the last 4 characters; the rest hidden."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """The first 3 and the last 4 digits; the rest hidden."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def id_number_shown(number: str | None, *, reveal: bool) -> str:
    """The identity number in full for a viewer who may reveal it, masked otherwise."""
    return (number or "") if reveal else mask_id_number(number or "")


def phone_shown(phone: str | None, *, reveal: bool) -> str:
    """The phone number in full for a viewer who may reveal it, masked otherwise."""
    return (phone or "") if reveal else mask_phone(phone or "")
