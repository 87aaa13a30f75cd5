"""A number is registered once: the unique constraint on its keyed hash."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_identity_numbers_sealed"),
    ]

    operations = [
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
