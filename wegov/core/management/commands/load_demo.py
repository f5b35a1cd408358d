"""Load the demo city: ``manage.py load_demo``.

Every app that has demo content provides ``<app>/demo.py`` with a
``load(demo: DemoContext)`` function; they run in INSTALLED_APPS order, so an
app can use what the apps before it created (districts, departments, people).
"""

import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from wegov.places.models import Area

DEMO_PASSWORD = "wegov-demo-2026"  # noqa: S105 (demo accounts only, printed for testers)


@dataclass
class DemoContext:
    rng: random.Random
    password: str
    stdout: object
    # Filled by earlier apps for later ones.
    shared: dict = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)


class Command(BaseCommand):
    help = "Load the demo city (districts, departments, staff, citizens and their contributions)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has a city (used by `make run`).",
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty=False, seed=2026, **options):
        if Area.objects.filter(kind=Area.Kind.CITY).exists():
            if if_empty:
                self.stdout.write("Demo city already loaded.")
                return
            self.stderr.write("The database already has a city; load_demo expects an empty one.")
            raise SystemExit(1)
        demo = DemoContext(rng=random.Random(seed), password=DEMO_PASSWORD, stdout=self.stdout)
        with transaction.atomic():
            for app in apps.get_app_configs():
                if not app.name.startswith("wegov.") or find_spec(f"{app.name}.demo") is None:
                    continue
                import_module(f"{app.name}.demo").load(demo)
        self.stdout.write(self.style.SUCCESS("Demo city loaded."))
        self.stdout.write(
            f"Demo accounts (password {DEMO_PASSWORD!r}): citizen@lindenbrug.example, "
            "staff.publicworks@lindenbrug.example, moderator@lindenbrug.example, "
            "manager@lindenbrug.example, admin@lindenbrug.example. "
            "Staff, moderators and administrators set up two-factor authentication at first log-in."
        )
