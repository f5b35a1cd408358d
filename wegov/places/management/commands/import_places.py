"""manage.py import_places FILE: the city boundary and districts from GeoJSON."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wegov.places import importing


class Command(BaseCommand):
    help = (
        "Import the city boundary and its districts from a GeoJSON FeatureCollection "
        "(WGS84). The city is the feature named by --city-name, else the one with "
        'the property "kind": "city", else the one that contains all the others; every '
        "other feature is a district (properties name, slug, population). Checked "
        "first, then imported all or nothing; districts are matched by slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .geojson file, or - for standard input")
        parser.add_argument("--city-name", help="the name of the feature that is the city")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, change nothing"
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="remove districts that are not in the file (refused while something "
            "depends on them)",
        )
        parser.add_argument(
            "--reassign",
            action="store_true",
            help="give every geolocated contribution the district its point lies in now",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            help="largest overlap allowed, as a share of the smaller area "
            f"(default WEGOV_PLACES_OVERLAP_TOLERANCE = {settings.WEGOV_PLACES_OVERLAP_TOLERANCE})",
        )

    def handle(self, *args, file, city_name, dry_run, prune, reassign, tolerance, **options):
        if tolerance is not None and not 0 <= tolerance < 1:
            raise CommandError("--tolerance must be at least 0 and below 1.")
        try:
            if file == "-":
                import sys

                text = sys.stdin.buffer.read()
            else:
                text = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}.") from None
        try:
            data = importing.load_json(text)
            result = importing.import_places(
                data,
                city_name=city_name,
                prune=prune,
                reassign=reassign,
                dry_run=dry_run,
                tolerance=tolerance,
            )
        except importing.PlacesImportError as exc:
            raise CommandError(
                f"{file} was not imported:\n" + "\n".join(f"- {m}" for m in exc.messages)
            ) from None
        self._report(result)

    def _report(self, result: importing.ImportResult) -> None:
        would = "would be " if result.dry_run else ""
        out = self.stdout.write
        out(f"City: {result.city.name} ({result.city.slug}); {len(result.districts)} districts.")
        for label, slugs in (
            ("created", result.created),
            ("updated", result.updated),
            ("removed", result.removed),
        ):
            if slugs:
                out(f"  {would}{label}: {', '.join(slugs)}")
        if result.unchanged:
            out(f"  unchanged: {', '.join(result.unchanged)}")
        if result.kept:
            out(f"  not in the file, kept (use --prune to remove): {', '.join(result.kept)}")
        for label, count in result.reassigned.items():
            out(f"  {label}: {count} {would}given another district")
        if result.dry_run:
            out(self.style.WARNING("Dry run: nothing was changed."))
        elif result.changed:
            out(self.style.SUCCESS("Imported."))
        else:
            out("Nothing to change.")
