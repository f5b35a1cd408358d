"""manage.py pb_tally BUDGET_ID --rule greedy|mes [--out FILE.pb]: run a
tally, store it, print the selected project ids one a line (the file's own
ids for imported budgets, project pks otherwise)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wegov.budgeting import pb, services
from wegov.budgeting.models import TallyRule

from ._common import budget_by_id, validation_message


class Command(BaseCommand):
    help = "Tally a budget's ballots with a rule and print the selected project ids, one a line."

    def add_arguments(self, parser):
        parser.add_argument("budget_id")
        parser.add_argument("--rule", choices=TallyRule.values, required=True)
        parser.add_argument("--out", help="also write the budget with this outcome as a .pb file")

    def handle(self, *args, **options):
        budget = budget_by_id(options["budget_id"])
        try:
            tally = services.budget_tally(actor=None, budget=budget, rule=options["rule"])
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from None
        except pb.PabulibError as exc:
            raise CommandError(f"cannot tally: {exc}") from None
        if options["out"]:
            instance = services.budget_export_pabulib(budget=budget, tally=tally)
            try:
                pb.write(instance, options["out"])
            except OSError as exc:
                raise CommandError(f"{options['out']}: {exc.strerror or exc}") from None
        for project_id in tally.selected:
            self.stdout.write(project_id)
