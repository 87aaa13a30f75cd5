import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The sent keys move from the API app to fieldwork, whose web forms record them too. Their
    table stays as it is: only Django's idea of which app holds the model changes."""

    dependencies = [
        ("api", "0002_sent_keys"),
        ("fieldwork", "0008_visit_follow_up_open"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SentKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=100)),
                        ("fingerprint", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "diary_day",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="fieldwork.diaryday",
                            ),
                        ),
                        (
                            "problem",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="fieldwork.problem",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "visit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="fieldwork.visit",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "api_sentkey",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "key"), name="sentkey_user_key_unique"
                            ),
                            models.CheckConstraint(
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
                        ],
                    },
                ),
            ],
        ),
    ]
