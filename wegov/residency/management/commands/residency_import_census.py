"""Import a hashed census list (the output of residency_hash_census).

    manage.py residency_import_census FILE.csv [--name NAME] [--district SLUG]

All or nothing; the new list replaces the active list of the same scope (the
whole city, or --district). Prints the new list's id.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wegov.places.models import District
from wegov.residency import services


class Command(BaseCommand):
    help = "Import a hashed census list (identifier_hash,district_slug)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--name", default="", help="Default: 'Census <date>'.")
        parser.add_argument(
            "--district", default="", help="Slug: the list covers this district only."
        )

    def handle(self, *args, file: Path, name="", district="", **options):
        scope = None
        if district:
            scope = District.objects.filter(slug=district).first()
            if scope is None:
                raise CommandError(f"Unknown district {district!r}.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        name = name or f"Census {timezone.localdate().isoformat()}"
        try:
            census_list = services.census_list_import(
                actor=None, name=name, data=data, district=scope
            )
        except ValidationError as exc:
            raise CommandError("Nothing imported:\n" + "\n".join(exc.messages)) from None
        self.stderr.write(f"{census_list.entry_count} entries imported into {census_list.name!r}.")
        self.stdout.write(str(census_list.pk))
