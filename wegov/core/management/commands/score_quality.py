"""(Re)score submitted data: ``manage.py score_quality [--kind report] [--unscored]``."""

from django.core.management.base import BaseCommand, CommandError

from wegov.core import quality


class Command(BaseCommand):
    help = "Compute the quality score of reports and proposals, in batches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            default=[],
            help="Only this kind (report, proposal); repeat for several. Default: all.",
        )
        parser.add_argument(
            "--unscored", action="store_true", help="Only rows that have no score yet."
        )

    def handle(self, *args, kind=(), unscored=False, **options):
        unknown = sorted(set(kind) - set(quality.SCORED_KINDS))
        if unknown:
            known = ", ".join(sorted(quality.SCORED_KINDS))
            raise CommandError(f"Unknown kind {', '.join(unknown)}; known: {known}")
        for name in kind or sorted(quality.SCORED_KINDS):
            scored = quality.SCORED_KINDS[name]
            queryset = scored.model.objects.all()
            if unscored:
                queryset = queryset.filter(quality_score__isnull=True)
            count = scored.rescore(queryset)
            self.stdout.write(f"{name}: {count} scored")
