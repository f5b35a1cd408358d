"""``manage.py import_osm FILE``: replace the local OpenStreetMap index with an extract."""

from django.core.management.base import BaseCommand, CommandError

from wegov.osm import services


class Command(BaseCommand):
    help = (
        "Import an OpenStreetMap extract (.osm.pbf or .osm) into the local index of streets, "
        "addresses, features, water and buildings, replacing the previous index."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .osm.pbf or .osm extract")

    def handle(self, *args, file, **options):
        try:
            record = services.osm_import(path=file)
        except services.ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        counts = record.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {record.source} in {record.seconds:.1f} s: "
                f"{counts['streets']} streets, {counts['addresses']} addresses, "
                f"{counts['features']} features, {counts['water']} water areas, "
                f"{counts['buildings']} buildings ({counts['objects_read']} OSM objects read)."
            )
        )
