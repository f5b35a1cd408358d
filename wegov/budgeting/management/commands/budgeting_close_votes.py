"""``manage.py budgeting_close_votes``: anonymise the ballots of every budget
whose vote window has ended (what the periodic task does)."""

from django.core.management.base import BaseCommand

from wegov.budgeting import participation
from wegov.budgeting.models import Budget


class Command(BaseCommand):
    help = (
        "Close the votes whose window has ended: separate every ballot from its voter "
        "(receipt codes stay). Safe to run any number of times."
    )

    def handle(self, *args, **options):
        closed = participation.budgets_close_votes()
        titles = dict(Budget.objects.filter(pk__in=closed).values_list("pk", "title"))
        for pk in closed:
            self.stdout.write(f"{pk}\t{titles[pk]}")
        if not closed:
            self.stdout.write("No vote to close.")
