"""manage.py backup and restore: an encrypted round trip into an empty database, and refusals.

The data is committed (transaction=True) so that pg_dump, a separate client, sees it. On
PostgreSQL the restore goes into a database created for the test on the same server; on SQLite
into a new file.
"""

import base64
import hashlib
import io
import tempfile

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from villagedesk.core import backup
from villagedesk.fieldwork.models import Visit
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.models import HouseholdIncome

# Committed data, so that pg_dump (another client) sees it.
with_database = pytest.mark.django_db(transaction=True)

PHOTO = "visits/2026/11/visit.jpg"


@pytest.fixture
def backup_key(settings):
    settings.BACKUP_KEY = backup.key_new()
    return settings.BACKUP_KEY


@pytest.fixture
def demo(settings, tmp_path):
    """A one-village demo and a visit photo in a media folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--villages", "1", "--households", "20", verbosity=0)
    photo = settings.MEDIA_ROOT / PHOTO
    photo.parent.mkdir(parents=True)
    Image.new("RGB", (32, 24), "teal").save(photo, "JPEG")
    Visit.objects.filter(pk=Visit.objects.order_by("pk").first().pk).update(photo=PHOTO)
    return photo


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """The folder where backup and restore keep their plain working files."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def backup_file(demo, backup_key, tmp_path, private_temp):
    return made_backup(tmp_path / "backups")


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database of the kind the suite runs on; dropped afterwards."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{settings_dict['NAME']}_restore"
    server = {
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"],
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
    yield url + name
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def made_backup(folder):
    call_command("backup", "--output-dir", str(folder), stdout=io.StringIO())
    (path,) = folder.glob("*.backup")
    return path


def restored(path, media_root, database_url=None):
    """Restore into the given database, or into the test's own (which is not empty)."""
    out = io.StringIO()
    target = ["--database-url", database_url] if database_url else []
    call_command("restore", str(path), "--media-root", str(media_root), *target, stdout=out)
    return out.getvalue()


def rows(database, table):
    with database.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


def with_checksum(path):
    """Write the .sha256 of the file as it now is, so only the cipher can refuse it."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")


@with_database
def test_restore_into_an_empty_database_gives_equal_counts_rows_and_photos(
    backup_file, empty_database_url, tmp_path
):
    output = restored(backup_file, tmp_path / "restored-media", empty_database_url)

    assert "every count as in the backup" in output
    tables = backup.model_tables()
    with connection.cursor() as cursor:
        source_counts = backup.row_counts(cursor, tables)
    with backup.database(empty_database_url) as target:
        with target.cursor() as cursor:
            assert backup.row_counts(cursor, tables) == source_counts
        for model in (Household, Person, Visit, HouseholdIncome):
            table = model._meta.db_table
            assert rows(target, table) == rows(connection, table)
        assert rows(target, HouseholdIncome._meta.db_table)
    restored_photo = (tmp_path / "restored-media" / PHOTO).read_bytes()
    assert restored_photo == (tmp_path / "media" / PHOTO).read_bytes()


def searched(database, word):
    """The ids of the guidance articles the database's own search index finds for one word
    (as `library.search.matching` asks it)."""
    with database.cursor() as cursor:
        if database.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid FROM library_article_fts WHERE library_article_fts MATCH %s"
                " ORDER BY rowid",
                [f'"{word}"'],
            )
        else:
            cursor.execute(
                "SELECT id FROM library_article WHERE to_tsvector('simple', terms)"
                " @@ plainto_tsquery('simple', %s) ORDER BY id",
                [word],
            )
        return [row[0] for row in cursor.fetchall()]


@with_database
def test_the_guidance_search_comes_back_with_the_restore(backup_file, empty_database_url, tmp_path):
    # The demo loads the shipped guidance; 低保 is in its articles' words.
    found = searched(connection, "低保")
    assert found
    restored(backup_file, tmp_path / "restored-media", empty_database_url)
    with backup.database(empty_database_url) as target:
        assert searched(target, "低保") == found


@with_database
def test_backup_by_url_dumps_that_database(backup_file, empty_database_url, tmp_path):
    restored(backup_file, tmp_path / "restored-media", empty_database_url)
    with backup.database(empty_database_url) as target, target.cursor() as cursor:
        cursor.execute("DELETE FROM welfare_incomeline")
        rows_there = sum(backup.row_counts(cursor, backup.model_tables()).values())
    out = io.StringIO()

    call_command(
        "backup", "--database-url", empty_database_url, "--output-dir", str(tmp_path), stdout=out
    )
    assert f" {rows_there} rows" in out.getvalue()


@with_database
def test_backup_leaves_no_plain_copy_and_no_identity_number_in_clear(backup_file, private_temp):
    sealed = backup_file.read_bytes()
    numbers = Person.objects.exclude(id_number=None).values_list("id_number", flat=True)
    assert numbers
    assert not any(number.encode() in sealed for number in numbers)
    assert b"registry_household" not in sealed
    assert list(private_temp.iterdir()) == []


@with_database
def test_a_changed_byte_fails_the_checksum(backup_file, tmp_path):
    sealed = bytearray(backup_file.read_bytes())
    sealed[len(sealed) // 2] ^= 1
    backup_file.write_bytes(sealed)

    with pytest.raises(CommandError, match="checksum"):
        restored(backup_file, tmp_path / "restored-media")


@with_database
def test_a_changed_byte_with_a_matching_checksum_does_not_decrypt(
    backup_file, tmp_path, private_temp
):
    sealed = bytearray(backup_file.read_bytes())
    sealed[len(sealed) // 2] ^= 1
    backup_file.write_bytes(sealed)
    with_checksum(backup_file)

    with pytest.raises(CommandError, match="does not decrypt"):
        restored(backup_file, tmp_path / "restored-media")
    assert not (tmp_path / "restored-media").exists()
    assert list(private_temp.iterdir()) == []


@with_database
def test_another_key_does_not_decrypt(backup_file, tmp_path, settings):
    settings.BACKUP_KEY = backup.key_new()

    with pytest.raises(CommandError, match="does not decrypt"):
        restored(backup_file, tmp_path / "restored-media")


@with_database
def test_restore_refuses_a_database_that_is_not_empty(backup_file, tmp_path):
    with pytest.raises(CommandError, match="not empty"):
        restored(backup_file, tmp_path / "restored-media")
    assert Household.objects.count() == 20
    assert not (tmp_path / "restored-media").exists()


@with_database
def test_restore_refuses_a_media_folder_that_holds_files(backup_file, settings):
    with pytest.raises(CommandError, match="already holds files"):
        restored(backup_file, settings.MEDIA_ROOT)


@with_database
def test_a_count_that_differs_from_the_manifest_fails_the_restore(
    demo, backup_key, empty_database_url, tmp_path, monkeypatch
):
    counted = backup.row_counts
    monkeypatch.setattr(
        backup,
        "row_counts",
        lambda cursor, tables: {**counted(cursor, tables), "registry_household": 21},
    )
    path = made_backup(tmp_path / "backups")
    monkeypatch.setattr(backup, "row_counts", counted)

    with pytest.raises(CommandError, match="1 tables differ") as refusal:
        restored(path, tmp_path / "restored-media", empty_database_url)
    assert refusal.value.returncode == 2


@pytest.mark.parametrize("key", [None, "", "not base64!", base64.b64encode(b"short").decode()])
def test_backup_without_a_valid_key_says_so(key, settings, tmp_path):
    settings.BACKUP_KEY = key

    with pytest.raises(CommandError, match="BACKUP_KEY"):
        call_command("backup", "--output-dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_new_key_prints_a_random_32_byte_key():
    keys = set()
    for _ in range(2):
        out = io.StringIO()
        call_command("backup", "--new-key", stdout=out)
        keys.add(out.getvalue().strip())
    assert len(keys) == 2
    assert all(len(base64.b64decode(key, validate=True)) == 32 for key in keys)


# The sealed stream itself: any change, cut or reordering of chunks is refused.

KEY = bytes(range(32))
SEALED_CHUNK = backup.CHUNK + backup.TAG_BYTES


def sealed(plain, key=KEY):
    out = io.BytesIO()
    writer = backup.EncryptingWriter(out, key)
    writer.write(plain)
    writer.close()
    return out.getvalue()


def opened(data, key=KEY):
    return backup.DecryptingReader(io.BytesIO(data), key).read()


PLAIN = bytes(range(256)) * (backup.CHUNK * 5 // 2 // 256)  # two whole chunks and a half


def test_a_sealed_stream_opens_to_what_was_written():
    assert opened(sealed(PLAIN)) == PLAIN
    assert opened(sealed(b"")) == b""


def test_a_changed_byte_does_not_open():
    data = bytearray(sealed(PLAIN))
    data[backup.HEADER_BYTES + SEALED_CHUNK + 7] ^= 1
    with pytest.raises(backup.BackupRefused):
        opened(bytes(data))


def test_a_stream_cut_after_a_whole_chunk_does_not_open():
    data = sealed(PLAIN)
    with pytest.raises(backup.BackupRefused):
        opened(data[: backup.HEADER_BYTES + 2 * SEALED_CHUNK])


def test_swapped_chunks_do_not_open():
    data = sealed(PLAIN)
    header, first, second, rest = (
        data[: backup.HEADER_BYTES],
        data[backup.HEADER_BYTES : backup.HEADER_BYTES + SEALED_CHUNK],
        data[backup.HEADER_BYTES + SEALED_CHUNK : backup.HEADER_BYTES + 2 * SEALED_CHUNK],
        data[backup.HEADER_BYTES + 2 * SEALED_CHUNK :],
    )
    with pytest.raises(backup.BackupRefused):
        opened(header + second + first + rest)


def test_another_key_does_not_open():
    with pytest.raises(backup.BackupRefused):
        opened(sealed(PLAIN), key=bytes(32))
