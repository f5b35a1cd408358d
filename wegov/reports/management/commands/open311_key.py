"""manage.py open311_key NAME: register an Open311 client and print its new API key."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wegov.reports import services


class Command(BaseCommand):
    help = (
        "Create an Open311 client application and print its API key. Only a hash of "
        "the key is stored: copy it now, it cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="name of the client application")
        parser.add_argument(
            "--requests-per-hour",
            type=int,
            default=600,
            help="rate limit of the key (default 600)",
        )
        parser.add_argument("--contact-email", default="", help="who to contact about the client")

    def handle(self, *args, name, requests_per_hour, contact_email, **options):
        try:
            client, key = services.open311_client_create(
                actor=None,
                name=name,
                requests_per_hour=requests_per_hour,
                contact_email=contact_email,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            f"Created Open311 client #{client.pk} “{client.name}” "
            f"({client.requests_per_hour} requests per hour). Its API key:"
        )
        self.stdout.write(key)
