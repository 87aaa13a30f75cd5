"""Disability certificate numbers (the identity number and two digits) sealed at rest, in the
persons and in their history; backwards, in clear again."""

from django.db import migrations

import villagedesk.core.sealing

TABLES = [("registry_person", "id"), ("registry_historicalperson", "history_id")]


def seal_certificates(apps, schema_editor):
    for table, pk in TABLES:
        villagedesk.core.sealing.reseal_table(
            schema_editor.connection,
            table=table,
            pk=pk,
            column="disability_certificate",
            plain=True,
        )


def unseal_certificates(apps, schema_editor):
    for table, pk in TABLES:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "{pk}", disability_certificate FROM "{table}" '  # noqa: S608
                "WHERE disability_certificate LIKE %s",
                ["%:%"],
            )
            rows = [
                (villagedesk.core.sealing.unseal(value), key) for key, value in cursor.fetchall()
            ]
            cursor.executemany(
                f'UPDATE "{table}" SET disability_certificate = %s WHERE "{pk}" = %s',  # noqa: S608
                rows,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_disability_certificate_sealed_column"),
    ]

    operations = [
        migrations.RunPython(seal_certificates, unseal_certificates, elidable=True),
    ]
