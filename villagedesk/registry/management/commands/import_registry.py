"""`manage.py import_registry FILE (--village CODE | --county CODE) [options]`.

Options: --dry-run, --partial, --report FILE.

Exit status 0 when loaded, 1 when rejected for errors, 2 for a usage error, an unreadable file or
an unexpected error of the program (one line in the user's language, nothing written; Django's
--traceback shows the error itself).
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from villagedesk.areas.models import Area, Level
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.imports.messages import internal_error, place, unread_line
from villagedesk.registry.imports.reading import ReadError
from villagedesk.registry.imports.report import issue_messages, write_report


class Command(BaseCommand):
    help = "Import households and members from a .xlsx, .xls, .ods, .csv or .txt ledger."

    def add_arguments(self, parser):
        parser.add_argument("file")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--village", help="code of the village the file belongs to")
        target.add_argument("--county", help="code of the county whose villages the file names")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--partial", action="store_true", help="load the valid households")
        parser.add_argument("--report", help="write the .xlsx error report to this file")

    def handle(self, *args, **options):
        code = options["village"] or options["county"]
        level = Level.VILLAGE if options["village"] else Level.COUNTY
        area = Area.objects.filter(code__startswith=code, level=level).first()
        if area is None:
            self.stderr.write(_("No area with the code %(code)s.") % {"code": code})
            sys.exit(2)
        if options["report"] and not Path(options["report"]).resolve().parent.is_dir():
            self.stderr.write(
                _("The report cannot be written to %(path)s.") % {"path": options["report"]}
            )
            sys.exit(2)
        try:
            result = run_import(
                options["file"], area=area, partial=options["partial"], dry_run=options["dry_run"]
            )
        except ReadError as error:
            self.stderr.write(str(error))
            sys.exit(2)
        except Exception:
            # The engine's transaction has rolled back whatever it wrote.
            if options["traceback"]:
                raise
            self.stderr.write(internal_error())
            sys.exit(2)
        for issue in issue_messages(result.issues)[:200]:
            level = _("error") if issue["level"] == "error" else _("warning")
            self.stdout.write(f"{place(issue)} [{level}] {issue['message']}")
        if result.unread:
            self.stdout.write(unread_line(result.unread))
        if options["report"]:
            write_report(result, options["report"])
        self.stdout.write(" ".join(f"{k}={v}" for k, v in result.counts.items()))
        if result.errors.height and not options["partial"]:
            self.stderr.write(_("Rejected: the file has errors; nothing was written."))
            sys.exit(1)
