"""`manage.py export_ledger NAME --area CODE --format xlsx|csv --output FILE`.

`--status` keeps households of one status; `--masked` hides personal numbers.
"""

import sys

from django.core.management.base import BaseCommand

from villagedesk.areas.models import Area
from villagedesk.registry.exports import LEDGERS, export_ledger


class Command(BaseCommand):
    help = "Export a ledger of an area to .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(LEDGERS))
        parser.add_argument("--area", required=True)
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", required=True)
        parser.add_argument("--status")
        parser.add_argument("--masked", action="store_true", help="mask personal numbers")

    def handle(self, *args, **options):
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            self.stderr.write(f"No area with the code {options['area']}.")
            sys.exit(2)
        rows = export_ledger(
            name=options["name"],
            area=area,
            path=options["output"],
            file_format=options["format"],
            status=options["status"],
            reveal=not options["masked"],
        )
        self.stdout.write(f"{rows} rows written to {options['output']}")
