"""manage.py rotate_identity_keys: every identity number sealed again under the newest key."""

from django.core.management.base import BaseCommand, CommandError

from villagedesk.core.sealing import IdentityKeyError, key_new, keyring
from villagedesk.registry.services import identity_key_counts, identity_keys_rotate


class Command(BaseCommand):
    help = (
        "Seal every identity number (persons and their history) again under the first key of "
        "IDENTITY_KEYS, in batches that each commit; run it again after an interruption. "
        "--new-key prints a new key; --dry-run only counts the numbers under each key."
    )
    # Checks refuse missing keys; this command says so itself, and --new-key needs none.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--dry-run", action="store_true", help="count the numbers under each key, change none"
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a new random key and do nothing else"
        )

    def handle(self, *, batch_size, dry_run, new_key, verbosity, **options):
        if new_key:
            self.stdout.write(key_new())
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            current = keyring().current
            if not dry_run:
                done = identity_keys_rotate(
                    batch_size=batch_size,
                    progress=(
                        (lambda table, n: self.stdout.write(f"{table}: {n:,} sealed again…"))
                        if verbosity > 1
                        else None
                    ),
                )
                for table, count in done.items():
                    self.stdout.write(f"{table}: {count:,} sealed again under the key {current!r}")
        except IdentityKeyError as error:
            raise CommandError(str(error)) from None
        counts = identity_key_counts()
        for table, by_key in counts.items():
            under = ", ".join(f"{key!r} {count:,}" for key, count in sorted(by_key.items()))
            self.stdout.write(f"{table}: numbers by key: {under or 'none'}")
        left = sum(n for by_key in counts.values() for key, n in by_key.items() if key != current)
        self.stdout.write(f"{left:,} left to seal again under the key {current!r}")
