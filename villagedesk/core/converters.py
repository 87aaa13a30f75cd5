"""URL converters shared by every app."""


class IdConverter:
    """A row id: digits that fit a 64-bit signed integer, as every database stores ids.

    A longer number does not match the URL (a 404) rather than reaching the database, where
    SQLite would raise OverflowError and answer 500.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > 2**63 - 1:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))
