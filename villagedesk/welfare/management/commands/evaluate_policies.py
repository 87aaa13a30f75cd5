import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from villagedesk.areas.models import Area
from villagedesk.core.spreadsheets import rows_write, sheet_with_header, workbook_new
from villagedesk.registry.models import Household
from villagedesk.welfare.evaluation import area_evaluation, household_evaluation
from villagedesk.welfare.exports import EVALUATION_HEADER, evaluation_rows
from villagedesk.welfare.models import Policy


class Command(BaseCommand):
    help = (
        "Evaluate policies over an area: per policy the eligible households (or persons) and the "
        "two gap lists; or explain every policy for one household. Format: docs/welfare.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", help="division code of the area (all below it)")
        parser.add_argument(
            "--policy", action="append", dest="policies", help="policy code (repeatable)"
        )
        parser.add_argument("--year", type=int, help="year (default: this year, as of today)")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="file to write (default: standard output, JSON only)")
        parser.add_argument(
            "--explain", type=int, metavar="HOUSEHOLD", help="household id to explain"
        )

    def handle(self, *args, area, policies, year, format, output, explain, **options):
        today = timezone.localdate()
        day = today if year in (None, today.year) else datetime.date(year, 12, 31)
        unknown = sorted(set(policies or []) - set(Policy.objects.values_list("code", flat=True)))
        if unknown:
            raise CommandError(f"Unknown policy: {', '.join(unknown)}")
        if explain is not None:
            household = Household.objects.filter(pk=explain).first()
            if household is None:
                raise CommandError(f"No household {explain}.")
            data = household_evaluation(household=household, day=day, codes=policies)
        else:
            if not area:
                raise CommandError("Give --area CODE (or --explain HOUSEHOLD).")
            found = Area.objects.filter(code=area.ljust(12, "0")).first()
            if found is None:
                raise CommandError(f"No area {area}.")
            data = area_evaluation(area=found, day=day, codes=policies)
            for p in data["policies"]:
                line = p["error"] or f"{len(p['eligible'])} eligible"
                if "eligible_not_enrolled" in p:
                    line += (
                        f", {len(p['eligible_not_enrolled'])} not enrolled, "
                        f"{len(p['enrolled_not_eligible'])} enrolled but not eligible"
                    )
                self.stderr.write(f"{p['code']}: {line}")
        if format == "xlsx":
            if not output or explain is not None:
                raise CommandError("--format xlsx needs --output FILE and an --area.")
            self.write_xlsx(data, output)
        else:
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if output:
                with open(output, "w", encoding="utf-8") as f:
                    f.write(text)
            else:
                self.stdout.write(text)

    def write_xlsx(self, data, output):
        book = workbook_new(output)
        for policy in data["policies"]:
            sheet, first = sheet_with_header(book, policy["code"], EVALUATION_HEADER)
            rows_write(sheet, first, evaluation_rows(policy))
        book.close()
