from django.core.management.base import BaseCommand

from wegov.mapview import services


class Command(BaseCommand):
    help = "Rebuild the map index from every kind of contribution (nothing is announced)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", help="Only this kind (repeatable).")

    def handle(self, *args, kind=None, **options):
        counts = services.rebuild(kinds=kind, stdout=self.stdout)
        self.stdout.write(f"{sum(counts.values())} items on the map.")
