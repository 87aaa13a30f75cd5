"""`manage.py audit_prune`: delete audit events older than AUDIT_RETENTION_DAYS."""

from django.core.management.base import BaseCommand

from villagedesk.audit.services import events_prune, retention_days


class Command(BaseCommand):
    help = "Delete audit events older than the retention (AUDIT_RETENTION_DAYS, at least 183)."

    def handle(self, *args, **options):
        deleted = events_prune()
        self.stdout.write(f"{deleted} audit events older than {retention_days()} days deleted.")
