from django.db import migrations


class Migration(migrations.Migration):
    """The sent keys are fieldwork's now (fieldwork/0009); their table stays."""

    dependencies = [
        ("api", "0002_sent_keys"),
        ("fieldwork", "0009_sent_keys_from_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SentKey")],
        ),
    ]
