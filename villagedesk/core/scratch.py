"""Temporary tables for a long list of keys, joined in the database instead of an IN list."""

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def scratch_table(cursor, name: str, columns: str) -> Iterator[None]:
    """The connection's temporary table `name` (`columns` as in CREATE TABLE), empty when the
    block starts and emptied when it ends.

    Emptied, not dropped: SQLite refuses to drop a table while another statement of the
    connection is pending (as when threads share it, like the test server's), and the empty
    table lasts as long as the connection. A block that fails leaves its rows to the next,
    which empties the table first.

    The name and columns are the caller's code, never input: a name that is not a plain
    identifier, or columns holding a statement's end, are refused before any SQL is built.
    """
    if not name.isidentifier() or not name.isascii() or ";" in columns or "--" in columns:
        raise ValueError(f"Not a scratch table definition: {name!r} ({columns!r})")
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns})")
    cursor.execute(f"DELETE FROM {name}")  # noqa: S608 (a checked name from the code)
    yield
    cursor.execute(f"DELETE FROM {name}")  # noqa: S608
