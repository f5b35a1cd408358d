"""manage.py polis_import DIR [--publish] [--slug SLUG]: a new conversation from
a Pol.is openData export (comments.csv, votes.csv, participants-votes.csv,
summary.csv); prints only its id."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from wegov.opinions import importexport, polis
from wegov.opinions.models import Conversation


class Command(BaseCommand):
    help = (
        "Import a Pol.is openData export directory as a new, closed conversation "
        "(unpublished unless --publish) and print its id."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the directory holding the four CSV files")
        parser.add_argument(
            "--publish", action="store_true", help="publish it (it stays closed: read-only)"
        )
        parser.add_argument("--slug", default="", help="its address (default: from the directory)")

    def handle(self, *args, **options):
        path = options["directory"]
        slug = options["slug"]
        if slug:
            try:
                validate_slug(slug)
                if len(slug) > 80:
                    raise ValidationError("too long")
            except ValidationError:
                raise CommandError(
                    f"{slug!r} is not an address (at most 80 letters, digits, - and _)"
                ) from None
            if (
                slug in importexport.RESERVED_SLUGS
                or Conversation.objects.filter(slug=slug).exists()
            ):
                raise CommandError(f"The address {slug!r} is taken.")
        try:
            export = polis.read_export(path)
            conversation = importexport.import_export(
                export, slug=slug or None, publish=options["publish"]
            )
        except polis.PolisFormatError as exc:
            raise CommandError(f"Cannot import {path}: {exc}") from None
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        self.stdout.write(str(conversation.pk))
