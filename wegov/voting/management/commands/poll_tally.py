"""manage.py poll_tally POLL_ID: tally a poll, record the tally, print the ranking."""

import json

from django.core.management.base import BaseCommand, CommandError

from wegov.voting import services
from wegov.voting.models import Poll


class Command(BaseCommand):
    help = (
        "Tally a poll (Schulze for ranked polls), record the rule, the inputs' hash and the "
        "outcome, and print the ranking: one place a line, tied options on one line."
    )

    def add_arguments(self, parser):
        parser.add_argument("poll_id", type=int)
        parser.add_argument("--json", action="store_true", help="Print the recorded outcome.")

    def handle(self, *args, poll_id, **options):
        poll = Poll.objects.filter(pk=poll_id).first()
        if poll is None:
            raise CommandError(f"There is no poll {poll_id}.")
        tally = services.poll_tally(actor=None, poll=poll)
        outcome = tally.outcome
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"rule": tally.rule, "input_hash": tally.input_hash, "outcome": outcome},
                    indent=2,
                    sort_keys=True,
                )
            )
            return
        labels = {key: value["label"] for key, value in outcome["options"].items()}
        self.stdout.write(f"# poll {poll.pk}: {poll.title}")
        self.stdout.write(f"# rule {tally.rule}, input sha256 {tally.input_hash}")
        place = 1
        for group in outcome["ranking"]:
            names = " = ".join(labels[key] for key in group)
            totals = " = ".join(
                str(outcome["options"][key]["direct"] + outcome["options"][key]["delegated"])
                for key in group
            )
            self.stdout.write(f"{place}. {names} ({totals})")
            place += len(group)
