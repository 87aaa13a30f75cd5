"""Identity numbers sealed at rest, in the persons and in their history, with keyed hashes
for exact and tail lookups; the uniqueness of a number moves to its hash."""

from django.db import migrations, models

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
                cursor.execute(
                    "UPDATE registry_person SET id_number_hash = NULL, id_tail_hash = NULL"
                )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_reveal_log_outlives_person"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="person",
            name="person_id_number_unique",
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_hash",
            field=villagedesk.core.sealing.IdentityHashField(max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="id_tail_hash",
            field=villagedesk.core.sealing.IdentityHashField(
                db_index=True, max_length=32, null=True, tail=True
            ),
        ),
        migrations.AlterField(
            model_name="historicalperson",
            name="id_number",
            field=villagedesk.core.sealing.SealedIdentityField(
                blank=True, max_length=18, null=True, verbose_name="identity number"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number",
            field=villagedesk.core.sealing.SealedIdentityField(
                blank=True, max_length=18, null=True, verbose_name="identity number"
            ),
        ),
        migrations.RunPython(seal_numbers, unseal_numbers, elidable=True),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("id_number_hash",),
                name="person_id_number_hash_unique",
                violation_error_message="This identity number is already registered to another "
                "person.",
            ),
        ),
    ]
