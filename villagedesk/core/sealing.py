"""Identity numbers at rest: sealed with AES-256-GCM, found again by keyed hashes.

A sealed number is `<key id>:<base64 of nonce, cipher text and tag>`. IDENTITY_KEYS lists the
keys as `id:base64,id:base64`: the first seals, every one listed opens what it sealed, so a new
key goes first and the old one stays until `manage.py rotate_identity_keys` has sealed every row
again. The key id is bound into the seal (associated data): a number cannot be moved under
another key's id.

Sealing is randomised, so the database cannot compare sealed numbers. It compares a keyed hash
instead (HMAC-SHA256 under IDENTITY_HASH_KEY, a key of its own), kept beside the seal: the hash
of the number's last TAIL characters followed by the hash of the whole normalised number. One
unique index on it serves exact lookups (the whole value), the uniqueness of a number, and the
search by the end of a number (a range on its start); a second index would cost an import more
than a third of its writing time. Without the key the hash tells nothing of the number.

Machines that give no keys (development, tests, the demo) use keys derived from the development
SECRET_KEY in settings; `check --deploy` refuses them (villagedesk.E007) and every command
refuses an installation that has neither (villagedesk.E006).
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models, transaction
from django.db.models.lookups import Exact

KEY_BYTES = 32
NONCE_BYTES = 12
TAIL = 4
TAIL_CHARS = 8  # 32 bits in hex: a few thousand tails share a value rarely, and are told apart
WHOLE_CHARS = 24  # 96 bits in hex: no two numbers of a country share one
HASH_CHARS = TAIL_CHARS + WHOLE_CHARS
# Lower case only: SQLite's LIKE, which finds the rows under an old key, ignores case.
KEY_ID_RE = re.compile(r"^[a-z0-9_-]{1,16}$")
# A key id of 16, the colon and 64 of base64 (nonce, 18 characters, tag) make 81; with room.
SEALED_MAX_LENGTH = 100


class IdentityKeyError(ImproperlyConfigured):
    """IDENTITY_KEYS or IDENTITY_HASH_KEY is missing, malformed, or cannot open a number."""


@dataclass(frozen=True)
class Keyring:
    current: str
    ciphers: dict[str, AESGCM]
    hash_key: bytes


def decode_key(name: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise IdentityKeyError(
            f"{name}: each key is {KEY_BYTES} random bytes in base64 "
            "(`manage.py rotate_identity_keys --new-key` prints one)."
        )
    return key


def parse_keys(raw: str) -> dict[str, bytes]:
    """`id:base64,id:base64` as an ordered dict of key id to key; the first one seals."""
    keys = {}
    for item in raw.split(","):
        key_id, colon, text = item.strip().partition(":")
        if not colon or not KEY_ID_RE.match(key_id):
            raise IdentityKeyError(
                "IDENTITY_KEYS lists keys as id:base64, comma-separated; an id is 1 to 16 "
                "lower-case letters, digits, - or _."
            )
        if key_id in keys:
            raise IdentityKeyError(f"IDENTITY_KEYS names the key {key_id!r} twice.")
        keys[key_id] = decode_key("IDENTITY_KEYS", text)
    return keys


@lru_cache(maxsize=4)
def keyring_from(keys: str | None, hash_key: str | None) -> Keyring:
    if not keys or not hash_key:
        raise IdentityKeyError(
            "IDENTITY_KEYS and IDENTITY_HASH_KEY must be set: identity numbers are kept "
            "encrypted (see docs/operations.md)."
        )
    parsed = parse_keys(keys)
    return Keyring(
        current=next(iter(parsed)),
        ciphers={key_id: AESGCM(key) for key_id, key in parsed.items()},
        hash_key=decode_key("IDENTITY_HASH_KEY", hash_key),
    )


def keyring() -> Keyring:
    """The configured keys; raises IdentityKeyError, saying what is wrong, when they are not."""
    return keyring_from(settings.IDENTITY_KEYS, settings.IDENTITY_HASH_KEY)


def key_new() -> str:
    """A fresh random key in base64, as IDENTITY_KEYS and IDENTITY_HASH_KEY expect it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def seal(number: str) -> str:
    """The number sealed under the first key of IDENTITY_KEYS."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    body = ring.ciphers[ring.current].encrypt(nonce, number.encode(), ring.current.encode())
    return f"{ring.current}:{base64.b64encode(nonce + body).decode('ascii')}"


def sealed_key_id(sealed: str) -> str:
    return sealed.partition(":")[0]


def unseal(sealed: str) -> str:
    """The number in a seal (a blank stays blank); IdentityKeyError when its key is not
    configured or is wrong."""
    if not sealed:
        return sealed
    key_id, colon, text = sealed.partition(":")
    cipher = keyring().ciphers.get(key_id) if colon else None
    if cipher is None:
        raise IdentityKeyError(
            f"An identity number is sealed under the key {key_id!r}, which IDENTITY_KEYS does "
            "not list: give that key again (after the new one) until `manage.py "
            "rotate_identity_keys` has sealed every number under the new key."
        )
    try:
        raw = base64.b64decode(text, validate=True)
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()).decode()
    except (binascii.Error, InvalidTag, ValueError):
        raise IdentityKeyError(
            f"An identity number sealed under the key {key_id!r} does not open with the key of "
            "that id in IDENTITY_KEYS: the key is not the one it was sealed with, or the "
            "stored value is damaged."
        ) from None


def keyed(purpose: bytes, chars: int) -> Callable[[str], str]:
    """The keyed hash for one purpose, as a function: HMAC-SHA256 of the purpose and the text,
    its first `chars` hex digits. The key's HMAC state is set up once and copied for each text,
    half the time of a fresh HMAC, which counts over a county's numbers."""
    start = hmac.new(keyring().hash_key, purpose, hashlib.sha256)

    def hash_of(text: str) -> str:
        state = start.copy()
        state.update(text.encode())
        return state.hexdigest()[:chars]

    return hash_of


def tail_hash(text: str) -> str:
    """The keyed hash of the last TAIL characters of a number or of a typed tail: the start of
    the identity hash of every number ending with them."""
    return keyed(b"tail:", TAIL_CHARS)(text[-TAIL:])


def identity_lookup(numbers) -> dict[str, str]:
    """The identity hash of each of these (normalised) numbers, number to hash, in one pass."""
    whole, tail = keyed(b"number:", WHOLE_CHARS), keyed(b"tail:", TAIL_CHARS)
    tails: dict[str, str] = {}  # a county has a few thousand tails among its numbers
    hashes = {}
    for number in numbers:
        end = number[-TAIL:]
        if end not in tails:
            tails[end] = tail(end)
        hashes[number] = tails[end] + whole(number)
    return hashes


def identity_hash(number: str) -> str:
    """The identity hash of a (normalised) number: what an exact lookup compares."""
    return identity_lookup([number])[number]


def tail_range(typed: str) -> tuple[str, str]:
    """The identity hashes of the numbers ending with the last TAIL characters typed lie in
    [low, high): they start with the tail's hash, and "g" follows every hex digit (in any
    collation, since letters and digits are never ignored)."""
    low = tail_hash(typed)
    return low, low + "g"


def sealed_with_hashes(numbers: list, hashes: list | None = None) -> tuple[list, list]:
    """Seals and identity hashes of many numbers (None for None), in one pass: what a bulk write
    puts in the two columns. `hashes` are the identity hashes when the caller has them already
    (a missing one is computed)."""
    ring = keyring()
    cipher, aad, prefix = ring.ciphers[ring.current], ring.current.encode(), ring.current + ":"
    missing = [n for i, n in enumerate(numbers) if n and not (hashes and hashes[i])]
    computed = identity_lookup(missing)
    nonces = os.urandom(NONCE_BYTES * len(numbers))
    b64 = base64.b64encode
    sealed, keys = [], []
    for i, number in enumerate(numbers):
        if not number:
            sealed.append(number)
            keys.append(None)
            continue
        nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
        body = nonce + cipher.encrypt(nonce, number.encode(), aad)
        sealed.append(prefix + b64(body).decode("ascii"))
        keys.append((hashes[i] if hashes else None) or computed[number])
    return sealed, keys


class SealedExact(Exact):
    """`id_number=None` only: a sealed number equals no typed one."""

    def get_prep_lookup(self):
        if self.rhs is not None:
            raise FieldError(
                "Identity numbers are sealed: look them up by their hash "
                "(id_number_hash=identity_hash(number)), not by the number."
            )
        return super().get_prep_lookup()


class SealedIdentityField(models.CharField):
    """An identity number: plain text in Python, sealed in its column.

    The column cannot be compared (every seal differs), so the only lookups are `isnull` and
    `=None`; exact and tail lookups go through the `IdentityHashField` kept beside it.
    """

    def db_type_parameters(self, connection):
        # max_length checks the number typed; the column holds its longer seal.
        return {**super().db_type_parameters(connection), "max_length": SEALED_MAX_LENGTH}

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value else value

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return seal(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return SealedExact
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None


class IdentityHashField(models.CharField):
    """The identity hash of the row's `id_number`, set whenever the row is saved or
    bulk-created, like `ScopeCodeField` sets area codes. Writes that bypass the ORM's insert
    (bulk_update, COPY) call `identity_hashes_fill` or set it themselves."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", HASH_CHARS)
        kwargs.setdefault("null", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        number = model_instance.id_number
        value = identity_hash(number) if number else None
        setattr(model_instance, self.attname, value)
        return value


def identity_hashes_fill(instances) -> list[str]:
    """Set the identity hashes of rows about to be written without `save`; returns the names
    of the hash fields, for the caller's list of fields to update."""
    names = []
    for instance in instances:
        fields = [f for f in instance._meta.concrete_fields if isinstance(f, IdentityHashField)]
        names = [f.attname for f in fields]
        for field in fields:
            field.pre_save(instance, add=instance._state.adding)
    return names


def reseal_table(
    connection,
    *,
    table: str,
    pk: str = "id",
    column: str = "id_number",
    hashed: bool = False,
    plain: bool = False,
    batch_size: int = 5000,
    progress=None,
) -> int:
    """Seal under the current key every value of `table.column` sealed under another key (or
    not sealed at all, with `plain`), with its identity hash when `hashed`; returns how many.

    Works on the table itself, not on a model, so migrations can call it. Each batch is its
    own transaction: an interrupted run keeps what it did, and the next run takes the rest,
    since a value under the current key is never touched again.
    """
    current = keyring().current
    # Plain numbers have no colon; sealed ones begin with their key id and a colon.
    skip = "%:%" if plain else current.replace("_", "\\_") + ":%"
    select = (
        f'SELECT "{pk}", "{column}" FROM "{table}" WHERE "{pk}" > %s AND "{column}" IS NOT NULL '  # noqa: S608
        f"AND \"{column}\" <> '' AND \"{column}\" NOT LIKE %s ESCAPE '\\' "
        f'ORDER BY "{pk}" LIMIT %s'
    )
    if hashed:
        update = f'UPDATE "{table}" SET "{column}" = %s, "{column}_hash" = %s WHERE "{pk}" = %s'  # noqa: S608
    else:
        update = f'UPDATE "{table}" SET "{column}" = %s WHERE "{pk}" = %s'  # noqa: S608
    done, last = 0, 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(select, [last, skip, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return done
            params = []
            for key, value in rows:
                number = value if plain else unseal(value)
                sealed = seal(number)
                if hashed:
                    params.append((sealed, identity_hash(number), key))
                else:
                    params.append((sealed, key))
            cursor.executemany(update, params)
        done += len(rows)
        last = rows[-1][0]
        if progress:
            progress(table, done)
