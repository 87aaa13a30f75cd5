"""`manage.py uploads_prune [--days N] [--dry-run]`: remove uploaded ledgers, their reports
and the ledgers written for exports older than UPLOAD_RETENTION_DAYS (see
`registry.imports.retention`).

Run it daily, from cron (`15 3 * * * cd /opt/villagedesk && .venv/bin/python manage.py
uploads_prune`) or by enqueuing `registry.tasks.prune_uploads` for the db_worker.
"""

from django.core.management.base import BaseCommand, CommandError

from villagedesk.registry.imports.retention import uploads_prune


class Command(BaseCommand):
    help = (
        "Remove uploaded ledgers, error reports and exported ledgers older than "
        "UPLOAD_RETENTION_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep files this many days instead")
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")

    def handle(self, *args, **options):
        if options["days"] is not None and options["days"] < 0:
            raise CommandError("--days cannot be negative.")
        result = uploads_prune(days=options["days"], dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(
            f"{verb} {result.files} files of {result.jobs} imports and {result.exports} exports"
        )
