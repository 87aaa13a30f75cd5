import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from villagedesk.areas.models import Area
from villagedesk.demo.services import COUNTY
from villagedesk.welfare.demo import welfare_demo_create
from villagedesk.welfare.models import IncomeLine


class Command(BaseCommand):
    help = (
        "Give the demo county (made by seed_demo) its policies, parameters, income and enrolments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, year, seed, **options):
        county = Area.objects.filter(code=COUNTY[0]).first()
        if county is None:
            raise CommandError("No demo county: run seed_demo first.")
        if IncomeLine.objects.filter(year=year, household__county_code=county.code[:6]).exists():
            raise CommandError(f"The demo county already has welfare data for {year}.")
        today = timezone.localdate()
        day = today if year == today.year else datetime.date(year, 12, 31)
        counts = welfare_demo_create(county=county, day=day, seed=seed)
        self.stdout.write(", ".join(f"{n:,} {what}" for what, n in counts.items()))
