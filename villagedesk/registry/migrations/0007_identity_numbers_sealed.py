"""Identity numbers sealed at rest, in the persons and in their history, with the keyed hash
of each person's number; backwards, the numbers in clear again."""

from django.db import migrations

import villagedesk.core.sealing


def seal_numbers(apps, schema_editor):
    connection = schema_editor.connection
    for table, pk, hashed in [
        ("registry_person", "id", True),
        ("registry_historicalperson", "history_id", False),
    ]:
        villagedesk.core.sealing.reseal_table(
            connection, table=table, pk=pk, hashed=hashed, plain=True
        )


def unseal_numbers(apps, schema_editor):
    connection = schema_editor.connection
    for table, pk in [("registry_person", "id"), ("registry_historicalperson", "history_id")]:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "{pk}", id_number FROM "{table}" WHERE id_number LIKE %s',  # noqa: S608
                ["%:%"],
            )
            rows = [
                (villagedesk.core.sealing.unseal(value), key) for key, value in cursor.fetchall()
            ]
            cursor.executemany(
                f'UPDATE "{table}" SET id_number = %s WHERE "{pk}" = %s',  # noqa: S608
                rows,
            )
        if table == "registry_person":
            with connection.cursor() as cursor:
                cursor.execute("UPDATE registry_person SET id_number_hash = NULL")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_identity_number_hashes"),
    ]

    operations = [
        migrations.RunPython(seal_numbers, unseal_numbers, elidable=True),
    ]
