"""`manage.py export_ledger NAME --area CODE --format xlsx|csv --output FILE --purpose TEXT`.

`--status` keeps households of one status; `--masked` hides personal numbers. Numbers in full
(without `--masked`) need `--purpose`. Every run is an audit event naming the operating-system
user who ran it, and the file carries that name and the time as its watermark.
"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from villagedesk.areas.models import Area
from villagedesk.registry.exports import LEDGERS, ledger_export_audited


def operator() -> str:
    try:
        return f"manage.py ({getpass.getuser()})"
    except (KeyError, OSError):
        return "manage.py"


class Command(BaseCommand):
    help = "Export a ledger of an area to .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(LEDGERS))
        parser.add_argument("--area", required=True)
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", required=True)
        parser.add_argument("--status")
        parser.add_argument("--masked", action="store_true", help="mask personal numbers")
        parser.add_argument(
            "--purpose",
            default="",
            help="why numbers are exported in full (required without --masked)",
        )

    def handle(self, *args, **options):
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            self.stderr.write(f"No area with the code {options['area']}.")
            sys.exit(2)
        try:
            rows = ledger_export_audited(
                by=None,
                username=operator(),
                name=options["name"],
                area=area,
                path=options["output"],
                file_format=options["format"],
                status=options["status"],
                full_numbers=not options["masked"],
                purpose=options["purpose"],
            )
        except ValidationError:
            self.stderr.write("Personal numbers in full need --purpose (or give --masked).")
            sys.exit(2)
        self.stdout.write(f"{rows} rows written to {options['output']}")
