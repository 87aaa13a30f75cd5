from django.core.management.base import BaseCommand

from villagedesk.welfare.services import catalogue_load


class Command(BaseCommand):
    help = "Create or update the shipped national policies and care lists (idempotent)."

    def handle(self, *args, **options):
        created, versions = catalogue_load()
        self.stdout.write(f"{created} policies created, {versions} rule versions added.")
