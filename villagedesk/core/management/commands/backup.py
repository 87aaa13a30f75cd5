"""manage.py backup: an encrypted backup of the database and the media folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from villagedesk.core.backup import BackupRefused, backup_create, key_new


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (database, media files, manifest) and its .sha256 checksum. "
        "The key is BACKUP_KEY (or BACKUP_KEY_FILE); --new-key prints a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=settings.VAR_DIR / "backups",
            help="folder for the backup (default: var/backups)",
        )
        parser.add_argument(
            "--database-url", help="back up this database instead of the configured one"
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a new random key and do nothing else"
        )

    def handle(self, *, output_dir, database_url, new_key, verbosity, **options):
        if new_key:
            self.stdout.write(key_new())
            return
        try:
            backup_create(
                output_dir=output_dir,
                database_url=database_url,
                progress=self.stdout.write if verbosity else lambda message: None,
            )
        except (BackupRefused, OperationalError) as refusal:
            raise CommandError(str(refusal)) from None
