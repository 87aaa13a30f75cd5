"""manage.py restore FILE: load a backup into an empty database and compare the row counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError
from django.utils.translation import gettext as _

from villagedesk.core.backup import BackupRefused, restore

# Exit codes: 1 refused or failed (the target may hold part of the backup only when loading
# itself failed), 2 loaded but the row counts differ from the backup's manifest.
COUNTS_DIFFER = 2


class Command(BaseCommand):
    help = (
        "Verify, decrypt and load a backup made by `manage.py backup` into an empty database and "
        "an empty media folder, then compare every table's row count with the backup's."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .backup file (its .sha256 beside it)")
        parser.add_argument(
            "--database-url", help="restore into this database instead of the configured one"
        )
        parser.add_argument(
            "--media-root", type=Path, help="restore the media files here (default: MEDIA_ROOT)"
        )

    def handle(self, *, file, database_url, media_root, verbosity, **options):
        try:
            counts = restore(
                path=file,
                database_url=database_url,
                media_root=media_root,
                progress=self.stdout.write if verbosity else lambda message: None,
            )
        except (BackupRefused, OperationalError) as refusal:
            raise CommandError(str(refusal)) from None
        differ = [count for count in counts if not count.matches]
        if verbosity:
            self.stdout.write(f"  {_('table'):<45} {_('backup'):>9} {_('restored'):>9}")
        for count in counts:
            if verbosity or not count.matches:
                actual = "—" if count.actual is None else count.actual
                mark = _("ok") if count.matches else _("DIFFERS")
                self.stdout.write(f"  {count.table:<45} {count.expected:>9} {actual:>9}  {mark}")
        if differ:
            raise CommandError(
                _("%(count)d tables differ from the backup.") % {"count": len(differ)},
                returncode=COUNTS_DIFFER,
            )
        if verbosity:
            self.stdout.write(
                _("Restored: %(tables)d tables, %(rows)d rows, every count as in the backup.")
                % {"tables": len(counts), "rows": sum(count.expected for count in counts)}
            )
