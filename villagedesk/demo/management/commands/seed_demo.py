"""manage.py seed_demo: a synthetic county to try Village Desk on, from a handful of villages up."""

import time

from django.core.management.base import BaseCommand, CommandError

from villagedesk.areas.models import Area
from villagedesk.demo.services import (
    DEFAULT_SEED,
    DEFAULT_VILLAGES,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    HOUSEHOLDS_PER_VILLAGE,
    LARGE_VILLAGE_HOUSEHOLDS,
    DemoError,
    demo_county_create,
    demo_size,
)


class Command(BaseCommand):
    help = (
        "Seed a synthetic demo county: townships, villages, groups, households, persons and the "
        f"demo logins ({', '.join(login.username for login in DEMO_LOGINS)}; password "
        f"{DEMO_PASSWORD}). The same seed and size give the same county."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--villages",
            type=int,
            help=(
                f"number of villages (default {DEFAULT_VILLAGES}, or one per "
                f"{LARGE_VILLAGE_HOUSEHOLDS} households in a large county)"
            ),
        )
        parser.add_argument(
            "--households",
            type=int,
            help=(
                "households in the whole county, spread over the villages "
                f"(default {HOUSEHOLDS_PER_VILLAGE} per village)"
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds areas (for `make run`)",
        )
        parser.add_argument(
            "--registry-only",
            action="store_true",
            help="areas, households, persons and logins only: no offices, visits or problems",
        )

    def handle(self, *, seed, villages, households, if_empty, registry_only, verbosity, **options):
        if seed < 0:
            raise CommandError(f"--seed must be 0 or more, not {seed}.")
        if if_empty and Area.objects.exists():
            if verbosity:
                self.stdout.write("The database already holds areas: the demo is not seeded again.")
            return
        try:
            villages, households = demo_size(villages=villages, households=households)
        except DemoError as error:
            raise CommandError(str(error)) from None
        if verbosity:
            self.stdout.write(
                f"Seeding {households:,} households in {villages:,} villages (seed {seed})…"
            )
        started = time.monotonic()
        try:
            summary = demo_county_create(
                seed=seed,
                villages=villages,
                households=households,
                steps=not registry_only,
                report=self.stdout.write if verbosity else lambda line: None,
            )
        except DemoError as error:
            raise CommandError(f"{error} Seed an empty database, or pass --if-empty.") from None
        if verbosity:
            logins = ", ".join(login.username for login in DEMO_LOGINS)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {summary.county.name} ({summary.county.code}): "
                    f"{summary.townships:,} townships, {summary.villages:,} villages, "
                    f"{summary.groups:,} groups, {summary.households:,} households, "
                    f"{summary.persons:,} persons in {time.monotonic() - started:.1f} s. "
                    f"Demo logins: {logins} (password {DEMO_PASSWORD})."
                )
            )
