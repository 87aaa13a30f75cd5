"""Load the shipped guidance articles and policy documents for an area (idempotent)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from villagedesk.areas.models import Area
from villagedesk.library.loading import guidance_load
from villagedesk.library.models import WIDE_LEVELS


class Command(BaseCommand):
    help = (
        "Load the shipped guidance for each of the ten steps and the national policy documents "
        "as articles of an area (a county, city or province; by default every province). "
        "Loading again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", help="12-digit code of the county, city or province")

    def handle(self, *args, area=None, **options):
        if area:
            areas = list(Area.objects.filter(code=area))
            if not areas:
                raise CommandError(f"No area has the code {area}.")
            if areas[0].level not in WIDE_LEVELS:
                raise CommandError("Guidance is loaded for a county, a city or a province.")
        else:
            areas = list(Area.objects.filter(level__in=WIDE_LEVELS, parent=None).order_by("code"))
            if not areas:
                raise CommandError("There is no province yet: create the areas first.")
        for each in areas:
            try:
                loaded = guidance_load(area=each)
            except ValidationError as error:
                raise CommandError(f"{each.code}: {'; '.join(error.messages)}") from error
            self.stdout.write(
                f"{each.code} {each.name}: {loaded.added} added, {loaded.changed} changed, "
                f"{loaded.unchanged} unchanged"
            )
