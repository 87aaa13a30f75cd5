"""manage.py demo_logins: who to log in as after `make run`."""

import unicodedata

from django.core.management.base import BaseCommand
from django.utils import translation

from villagedesk.accounts.models import User
from villagedesk.demo.services import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins: username, role, area and password."

    def handle(self, *, verbosity, **options):
        users = {
            user.username: user
            for user in User.objects.filter(username__in=[login.username for login in DEMO_LOGINS])
        }
        if not users:
            self.stdout.write("There are no demo logins: run `manage.py seed_demo` first.")
            return
        rows = [("user", "role", "area", "password")]
        # The command speaks English; the code lists' labels would otherwise follow LANGUAGE_CODE.
        with translation.override("en"):
            for login in DEMO_LOGINS:
                user = users.get(login.username)
                for assignment in user.current_assignments() if user else []:
                    area = assignment.area
                    rows.append(
                        (
                            user.username,
                            str(assignment.get_role_display()),
                            f"{area.name} {area.name_en} {area.code}",
                            DEMO_PASSWORD,
                        )
                    )
        widths = [max(display_width(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("Demo logins:")
        for row in rows:
            cells = [
                cell + " " * (width - display_width(cell))
                for cell, width in zip(row[:3], widths, strict=True)
            ]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))


def display_width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
