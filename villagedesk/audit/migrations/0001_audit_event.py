import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='username')),
                ('kind', models.CharField(choices=[('login', 'login'), ('login_failed', 'failed login'), ('logout', 'logout'), ('reveal', 'reveal of a personal number'), ('export', 'export of personal data'), ('permission_change', 'permission change'), ('personal_data_write', 'write of personal data')], db_index=True, max_length=30, verbose_name='kind')),
                ('area', models.CharField(blank=True, db_index=True, max_length=12, verbose_name='area code')),
                ('object_type', models.CharField(blank=True, max_length=60, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=40, verbose_name='object id')),
                ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('client_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='client address')),
                ('previous_hash', models.CharField(blank=True, max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'ordering': ['-id'],
                'default_permissions': ['view'],
            },
        ),
    ]
