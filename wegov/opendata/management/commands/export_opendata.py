"""``manage.py export_opendata [--dataset SLUG ...]``: write the open-data files now."""

from django.core.management.base import BaseCommand, CommandError

from wegov.opendata import registry, services


class Command(BaseCommand):
    help = "Export every public dataset (or the named ones) as CSV, GeoJSON and JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dataset",
            action="append",
            default=[],
            metavar="SLUG",
            help="Only this dataset (repeatable). Known: " + ", ".join(registry.slugs()),
        )
        parser.add_argument(
            "--format",
            action="append",
            default=[],
            choices=sorted(registry.FORMATS),
            help="Only this format (repeatable); default: all.",
        )

    def handle(self, *args, dataset, format, **options):
        known = registry.slugs()
        unknown = [slug for slug in dataset if slug not in known]
        if unknown:
            raise CommandError(
                f"Unknown dataset {', '.join(unknown)}; known datasets: {', '.join(known)}."
            )
        failed = []
        for slug in dataset or known:
            outcome = services.export_dataset(slug, formats=tuple(format) or None)
            if outcome.ok:
                self.stdout.write(f"{slug}: {outcome.rows} rows in {outcome.seconds:.1f} s")
            else:
                failed.append(slug)
                self.stderr.write(f"{slug}: FAILED, previous files kept: {outcome.error}")
        if failed:
            raise CommandError(f"Export failed for {', '.join(failed)}.")
