"""Room for sealed identity numbers, in the persons and their history, and the keyed hash
that finds them; the uniqueness of a number moves to its hash (0008) once the hashes are filled
(0007). Three migrations, since PostgreSQL refuses to alter a table in the transaction that
updated its rows."""

import villagedesk.core.sealing
from django.db import migrations


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
    ]
