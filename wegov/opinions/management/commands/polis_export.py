"""manage.py polis_export ID DIR: a conversation as a Pol.is openData export
(comments.csv, votes.csv, participants-votes.csv, summary.csv) in DIR."""

from django.core.management.base import BaseCommand, CommandError

from wegov.opinions import importexport, polis

from ._common import conversation_by_id


class Command(BaseCommand):
    help = (
        "Write a conversation as a Pol.is openData export (four CSV files) into a directory. "
        "Participants appear by number only; removed statements keep their text "
        "(the download pages leave it out)."
    )

    def add_arguments(self, parser):
        parser.add_argument("conversation_id")
        parser.add_argument("directory", help="created if missing; the four files are replaced")

    def handle(self, *args, **options):
        conversation = conversation_by_id(options["conversation_id"])
        export = importexport.export_conversation(conversation)
        path = options["directory"]
        try:
            polis.write_export(path, export)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
