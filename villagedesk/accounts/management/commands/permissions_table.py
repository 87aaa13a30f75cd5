"""Print the role × capability table of `accounts.permissions` as Markdown (docs/permissions.md)."""

from django.core.management.base import BaseCommand
from django.utils import translation

from villagedesk.accounts.models import Role
from villagedesk.accounts.permissions import ROLE_CAPABILITIES, Capability


def permissions_table() -> list[str]:
    """The table's lines: a row per capability, a column per role, ✓ where the role grants it."""
    roles = list(Role)
    header = [translation.gettext("Capability")] + [str(role.label) for role in roles]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for capability in Capability:
        marks = ["✓" if capability in ROLE_CAPABILITIES[role] else "" for role in roles]
        lines.append(f"| {capability.label} (`{capability.value}`) | " + " | ".join(marks) + " |")
    return lines


class Command(BaseCommand):
    help = "Print the table of which role grants which capability, in Markdown."

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            default="en",
            help="Language of the labels (default en; zh-hans once the catalogue has them).",
        )

    def handle(self, *args, language, **options):
        with translation.override(language):
            for line in permissions_table():
                self.stdout.write(line)
