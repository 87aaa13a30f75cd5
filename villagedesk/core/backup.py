"""Encrypted backups of the whole installation: the database, the media folder and a manifest.

A backup is one file: a tar archive (the database dump, every media file, `manifest.json`)
encrypted as it is written, so no plain copy of an identity number ever leaves the machine.

The cipher is AES-256-GCM in the STREAM construction (as in Tink's streaming AEAD): a key for
the file is derived with HKDF from BACKUP_KEY and a random salt in the header; the plain text is
sealed in chunks of CHUNK bytes, each with a nonce made of its index and a flag that marks the
last chunk. A changed byte, a reordered, dropped or added chunk, or a cut-off file fails to
decrypt. Memory stays bounded by one chunk whatever the size of the database.

The database dump is consistent: SQLite's online backup API copies a snapshot; on PostgreSQL,
pg_dump reads the snapshot of a repeatable-read transaction in which the rows are counted too.
Dumps and unpacked files live only in a private temporary folder removed when the work ends.
"""

import base64
import binascii
import datetime
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import dj_database_url
import django
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils.translation import gettext as _

MAGIC = b"VDBACKUP"
VERSION = 1
SALT_BYTES = 32
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES
CHUNK = 1024 * 1024
TAG_BYTES = 16
KEY_BYTES = 32
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
TARGET_ALIAS = "backup_target"

Progress = Callable[[str], None]


class BackupRefused(Exception):
    """A backup or restore that cannot go on; the message says why, in the user's language."""


@dataclass(frozen=True)
class RowCount:
    table: str
    expected: int
    actual: int | None  # None: the table is missing from the restored database

    @property
    def matches(self) -> bool:
        return self.expected == self.actual


# Keys


def key_new() -> str:
    """A fresh random key, base64-encoded as BACKUP_KEY expects it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def key_configured() -> bytes:
    """The 32-byte key from BACKUP_KEY (or the file named by BACKUP_KEY_FILE)."""
    raw = settings.BACKUP_KEY
    if not raw:
        raise BackupRefused(
            _(
                "BACKUP_KEY is not set. Set it (or BACKUP_KEY_FILE) to the base64 key of the "
                "backups; `manage.py backup --new-key` prints a new one."
            )
        )
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise BackupRefused(
            _(
                "BACKUP_KEY must be %(count)d bytes in base64; "
                "`manage.py backup --new-key` prints one."
            )
            % {"count": KEY_BYTES}
        )
    return key


# The encrypted stream


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"villagedesk backup"
    ).derive(key)
    return AESGCM(derived)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file that seals what it is given, chunk by chunk, into `target`.

    `close()` seals the last chunk (possibly empty) with the last-chunk flag; without it the
    file does not decrypt. The sha256 of the sealed bytes is `hexdigest()` after closing."""

    def __init__(self, target: BinaryIO, key: bytes):
        salt = os.urandom(SALT_BYTES)
        self.header = MAGIC + bytes([VERSION]) + salt
        self.cipher = _file_key(key, salt)
        self.target = target
        self.sha256 = hashlib.sha256()
        self.buffer = bytearray()
        self.index = 0
        self._emit(self.header)

    def _emit(self, data: bytes) -> None:
        self.target.write(data)
        self.sha256.update(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        self._emit(self.cipher.encrypt(_nonce(self.index, last), plain, self.header))
        self.index += 1

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        self._seal(bytes(self.buffer), last=True)
        self.buffer.clear()

    def hexdigest(self) -> str:
        return self.sha256.hexdigest()


class DecryptingReader:
    """A read-only file over a sealed stream; it raises BackupRefused on any tampering."""

    def __init__(self, source: BinaryIO, key: bytes):
        self.header = source.read(HEADER_BYTES)
        if len(self.header) != HEADER_BYTES or not self.header.startswith(MAGIC):
            raise BackupRefused(_("This file is not a Village Desk backup."))
        if self.header[len(MAGIC)] != VERSION:
            raise BackupRefused(_("This backup was written in a format this version cannot read."))
        self.cipher = _file_key(key, self.header[-SALT_BYTES:])
        self.chunks = self._chunks(source)
        self.chunk = b""
        self.offset = 0

    def _chunks(self, source: BinaryIO) -> Iterator[bytes]:
        sealed = source.read(CHUNK + TAG_BYTES)
        index = 0
        while True:
            following = source.read(CHUNK + TAG_BYTES)
            last = not following
            try:
                yield self.cipher.decrypt(_nonce(index, last), sealed, self.header)
            except InvalidTag:
                raise BackupRefused(
                    _(
                        "The backup does not decrypt: the key is not the one it was made with, "
                        "or the file was changed or cut short."
                    )
                ) from None
            if last:
                return
            sealed, index = following, index + 1

    def read(self, size: int = -1) -> bytes:
        pieces = []
        while size != 0:
            if self.offset == len(self.chunk):
                self.chunk, self.offset = next(self.chunks, b""), 0
                if not self.chunk:
                    break
            end = len(self.chunk) if size < 0 else min(len(self.chunk), self.offset + size)
            pieces.append(self.chunk[self.offset : end])
            if size > 0:
                size -= end - self.offset
            self.offset = end
        return b"".join(pieces)


class _HashingReader:
    """Reads a file through, keeping the sha256 of what was read."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _file_sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


# Databases


@contextmanager
def database(url: str | None) -> Iterator[BaseDatabaseWrapper]:
    """The configured database, or a connection of its own to the one at `url` (a DATABASE_URL),
    closed after use."""
    if not url:
        yield connections["default"]
        return
    settings_dict = connections.configure_settings({"default": dj_database_url.parse(url)})
    target = load_backend(settings_dict["default"]["ENGINE"]).DatabaseWrapper(
        settings_dict["default"], alias=TARGET_ALIAS
    )
    try:
        yield target
    finally:
        target.close()


def model_tables() -> list[str]:
    """The table (or view) of every installed model, many-to-many tables included."""
    return sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})


def row_counts(cursor, tables: list[str]) -> dict[str, int]:
    """Rows in each of `tables`, through any DB-API cursor (the names come from the models)."""
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def latest_migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for a connection: the password never appears on a command line."""
    options = settings_dict.get("OPTIONS", {})
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGPASSFILE": options.get("passfile"),
        "PGSERVICE": options.get("service"),
    }
    return {**os.environ, **{name: str(value) for name, value in values.items() if value}}


def _run(command: list[str], connection: BaseDatabaseWrapper) -> None:
    done = subprocess.run(  # noqa: S603 (fixed programs; connection settings in the environment)
        command,
        env=_pg_environment(connection.settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BackupRefused(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()}
        )


def _sqlite_dump(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict, dict]:
    """Copy the database into `target`; its row counts and migrations are read from the copy."""
    connection.ensure_connection()
    present = connection.introspection.table_names(include_views=True)
    tables = [table for table in model_tables() if table in present]
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        return row_counts(cursor, tables), latest_migrations(cursor)
    finally:
        copy.close()


def _postgresql_dump(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict, dict]:
    """pg_dump the snapshot of a repeatable-read transaction in which the rows are counted."""
    connection.ensure_connection()
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            present = connection.introspection.table_names(cursor, include_views=True)
            tables = [table for table in model_tables() if table in present]
            counts, migrations = row_counts(cursor, tables), latest_migrations(cursor)
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                connection,
            )
    finally:
        connection.rollback()
        connection.set_autocommit(True)
    return counts, migrations


def _database_empty_or_refuse(connection: BaseDatabaseWrapper) -> None:
    tables = connection.introspection.table_names(include_views=True)
    if tables:
        raise BackupRefused(
            _(
                "The target database is not empty: it has %(count)d tables (%(examples)s…). "
                "Restore only into a new database (a new SQLite file, or a PostgreSQL database "
                "made with createdb and not migrated)."
            )
            % {"count": len(tables), "examples": ", ".join(tables[:3])}
        )


def _media_empty_or_refuse(media_root: Path) -> None:
    if media_root.exists() and any(path.is_file() for path in media_root.rglob("*")):
        raise BackupRefused(
            _(
                "The media folder %(folder)s already holds files. Restore into an empty folder "
                "(--media-root)."
            )
            % {"folder": media_root}
        )


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(
        path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink()
    )


def _add(archive: tarfile.TarFile, path: Path, name: str) -> str:
    """Add one file to the archive under `name`; return the sha256 of what was added."""
    info = archive.gettarinfo(str(path), arcname=name)
    with path.open("rb") as file:
        reader = _HashingReader(file)
        archive.addfile(info, reader)
    return reader.sha256.hexdigest()


def _app_version() -> str:
    try:
        return importlib.metadata.version("villagedesk")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# Backup


def backup_create(*, output_dir: Path, progress: Progress, database_url: str | None = None) -> Path:
    """Write an encrypted backup of the database and the media folder into `output_dir`.

    Returns the path of the backup; a `.sha256` file (sha256sum's format) is written beside it.
    Nothing is left behind on failure, and no plain copy is ever written outside a private
    temporary folder that is removed at the end."""
    key = key_configured()
    created_at = datetime.datetime.now(datetime.UTC)
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"villagedesk-{created_at:%Y%m%d-%H%M%S}.backup"
    partial = path.with_name(path.name + ".partial")
    media_root = Path(settings.MEDIA_ROOT)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with (
            os.fdopen(descriptor, "wb") as sealed,
            tempfile.TemporaryDirectory(prefix="villagedesk-backup-") as work,
            database(database_url) as connection,
        ):
            engine = connection.vendor
            if engine not in DUMP_NAMES:
                raise BackupRefused(_("Backups cover SQLite and PostgreSQL only."))
            dump = Path(work) / DUMP_NAMES[engine]
            progress(_("Dumping the %(engine)s database…") % {"engine": connection.display_name})
            dumped = _sqlite_dump if engine == "sqlite" else _postgresql_dump
            counts, migrations = dumped(connection, dump)

            writer = EncryptingWriter(sealed, key)
            parts = {}
            with tarfile.open(fileobj=writer, mode="w|") as archive:
                parts[dump.name] = _add(archive, dump, dump.name)
                files = _media_files(media_root)
                progress(_("Packing %(count)d media files…") % {"count": len(files)})
                for file in files:
                    name = f"media/{file.relative_to(media_root).as_posix()}"
                    parts[name] = _add(archive, file, name)
                manifest = {
                    "format": VERSION,
                    "created_at": created_at.isoformat(),
                    "engine": engine,
                    "versions": {"villagedesk": _app_version(), "django": django.get_version()},
                    "migrations": migrations,
                    "row_counts": counts,
                    "parts": parts,
                }
                manifest_path = Path(work) / MANIFEST
                manifest_path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
                _add(archive, manifest_path, MANIFEST)
            writer.close()
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    Path(f"{path}.sha256").write_text(f"{writer.hexdigest()}  {path.name}\n", encoding="ascii")
    progress(
        _("Wrote %(path)s (%(size)s bytes, %(rows)d rows, %(files)d media files).")
        % {
            "path": path,
            "size": f"{path.stat().st_size:,}",
            "rows": sum(counts.values()),
            "files": len(files),
        }
    )
    return path


# Restore


def _checksum_or_refuse(path: Path) -> None:
    checksum = Path(f"{path}.sha256")
    if not checksum.exists():
        raise BackupRefused(
            _("The checksum file %(checksum)s is missing; keep it beside the backup.")
            % {"checksum": checksum}
        )
    expected = checksum.read_text(encoding="ascii").split()[0]
    if _file_sha256(path) != expected:
        raise BackupRefused(_("The backup does not match its checksum: it was changed or damaged."))


def _unpack(path: Path, key: bytes, work: Path) -> dict:
    """Decrypt and unpack the backup into `work`; return its manifest, every part verified."""
    with path.open("rb") as sealed:
        reader = DecryptingReader(sealed, key)
        with tarfile.open(fileobj=reader, mode="r|") as archive:
            archive.extractall(work, filter="data")
        # The archive may end before the stream does: read on to the chunk marked last.
        while reader.read(CHUNK):
            pass
    manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    unpacked = {file.relative_to(work).as_posix() for file in work.rglob("*") if file.is_file()}
    unpacked.discard(MANIFEST)
    if unpacked != set(manifest["parts"]) or any(
        _file_sha256(work / name) != sha256 for name, sha256 in manifest["parts"].items()
    ):
        raise BackupRefused(_("The backup's contents do not match its manifest."))
    return manifest


def _database_load(connection: BaseDatabaseWrapper, dump: Path, engine: str) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    # One transaction: a restore that fails leaves the database as empty as it was.
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        connection,
    )


def restore(
    *,
    path: Path,
    progress: Progress,
    database_url: str | None = None,
    media_root: Path | None = None,
) -> list[RowCount]:
    """Verify a backup, then load it into an empty database and an empty media folder.

    Refuses (BackupRefused) before changing anything when the key is missing or wrong, the file
    does not match its checksum or does not decrypt, the database holds any table or the media
    folder any file. Returns the backup's row count of every table beside the restored one."""
    key = key_configured()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with (
        tempfile.TemporaryDirectory(prefix="villagedesk-restore-") as work,
        database(database_url) as connection,
    ):
        progress(_("Verifying the checksum…"))
        _checksum_or_refuse(path)
        progress(_("Decrypting and unpacking…"))
        manifest = _unpack(path, key, Path(work))
        if manifest["engine"] != connection.vendor:
            raise BackupRefused(
                _("This backup holds a %(backup)s database; the target is %(target)s.")
                % {"backup": manifest["engine"], "target": connection.vendor}
            )
        _media_empty_or_refuse(media_root)
        _database_empty_or_refuse(connection)

        progress(
            _("Loading the database (backup of %(created_at)s, Village Desk %(version)s)…")
            % {"created_at": manifest["created_at"], "version": manifest["versions"]["villagedesk"]}
        )
        _database_load(connection, Path(work) / DUMP_NAMES[manifest["engine"]], manifest["engine"])
        media = Path(work) / "media"
        if media.is_dir():
            progress(_("Restoring the media files into %(folder)s…") % {"folder": media_root})
            shutil.copytree(media, media_root, dirs_exist_ok=True)

        expected = manifest["row_counts"]
        present = set(connection.introspection.table_names(include_views=True))
        with connection.cursor() as cursor:
            actual = row_counts(cursor, [table for table in expected if table in present])
    return [RowCount(table, count, actual.get(table)) for table, count in expected.items()]
