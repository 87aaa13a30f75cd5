import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Idempotency keys for problems and diary days too: the visits' keys become sent keys."""

    dependencies = [
        ("api", "0001_access_tokens"),
        ("fieldwork", "0008_visit_follow_up_open"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="visitkey", name="visitkey_user_key_unique"),
        migrations.RenameModel(old_name="VisitKey", new_name="SentKey"),
        migrations.AddField(
            model_name="sentkey",
            name="fingerprint",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="sentkey",
            name="visit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="fieldwork.visit",
            ),
        ),
        migrations.AddField(
            model_name="sentkey",
            name="problem",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="fieldwork.problem",
            ),
        ),
        migrations.AddField(
            model_name="sentkey",
            name="diary_day",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="fieldwork.diaryday",
            ),
        ),
        migrations.AddConstraint(
            model_name="sentkey",
            constraint=models.UniqueConstraint(
                fields=("user", "key"), name="sentkey_user_key_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="sentkey",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("diary_day__isnull", True),
                    ("problem__isnull", True),
                    ("visit__isnull", False),
                )
                | models.Q(
                    ("diary_day__isnull", True),
                    ("problem__isnull", False),
                    ("visit__isnull", True),
                )
                | models.Q(
                    ("diary_day__isnull", False),
                    ("problem__isnull", True),
                    ("visit__isnull", True),
                ),
                name="sentkey_one_record",
            ),
        ),
    ]
