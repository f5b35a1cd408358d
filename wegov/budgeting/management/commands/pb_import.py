"""manage.py pb_import FILE.pb: a new (unpublished) budget from a Pabulib
file; prints its id."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wegov.budgeting import pb, services

from ._common import validation_message


class Command(BaseCommand):
    help = "Import a Pabulib .pb file as a new, unpublished budget and print its id."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .pb file")
        parser.add_argument(
            "--title", default="", help="the budget's title (default: META description)"
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            instance = pb.read(path)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{path}: is a directory, not a .pb file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not a UTF-8 text file") from None
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        except pb.PabulibError as exc:
            raise CommandError(f"{path}: not a readable Pabulib file: {exc}") from None
        try:
            budget = services.budget_import_pabulib(
                actor=None, instance=instance, title=options["title"]
            )
        except pb.PabulibError as exc:
            raise CommandError(f"{path}: cannot import: {exc}") from None
        except ValidationError as exc:
            raise CommandError(f"{path}: cannot import: {validation_message(exc)}") from None
        self.stdout.write(str(budget.pk))
