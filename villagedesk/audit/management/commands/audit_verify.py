"""`manage.py audit_verify`: walk the audit chain; exit 1 at the first broken row."""

import sys

from django.core.management.base import BaseCommand

from villagedesk.audit.chain import chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log from the oldest kept event."

    def handle(self, *args, **options):
        report = chain_verify()
        if report.broken is None:
            self.stdout.write(f"Audit chain intact: {report.checked} events checked.")
            return
        event = report.broken
        what = "link to the previous event" if report.reason == "link" else "content"
        self.stderr.write(
            f"Audit chain broken at event {event.pk} ({event.at:%Y-%m-%d %H:%M:%S} UTC, "
            f"{event.kind}): its {what} does not match its hash. "
            f"{report.checked} events before it are intact."
        )
        sys.exit(1)
