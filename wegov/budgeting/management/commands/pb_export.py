"""manage.py pb_export BUDGET_ID FILE.pb: the budget, its ballots and its
published outcome (if any) as a Pabulib file."""

from django.core.management.base import BaseCommand, CommandError

from wegov.budgeting import pb, services

from ._common import budget_by_id


class Command(BaseCommand):
    help = "Write a budget, its ballots and its published outcome as a Pabulib .pb file."

    def add_arguments(self, parser):
        parser.add_argument("budget_id")
        parser.add_argument("file")

    def handle(self, *args, **options):
        budget = budget_by_id(options["budget_id"])
        instance = services.budget_export_pabulib(budget=budget)
        try:
            pb.write(instance, options["file"])
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror or exc}") from None
