"""Results in the contribution registry: on the one map (status as the
legend's filter), in follows and the activity feed, in open data."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core import registry
from wegov.processes.models import Process

from .models import Result, Status

KIND = "result"
# The map's "category" of a result: what it implements (its source's kind),
# or "other" for commitments staff entered without a source.
OTHER = "other"


def present(result: Result) -> registry.Presentation:
    process = result.process
    return registry.Presentation(
        kind=KIND,
        id=result.pk,
        title=result.title,
        url=reverse("accountability:detail", args=[result.pk]),
        status=result.status,
        summary=result.description[:200],
        lat=result.lat,
        lon=result.lon,
        category=result.source_kind or OTHER,
        district=result.district.slug if result.district_id else "",
        public=not result.is_hidden and (process is None or process.is_published),
        process_id=result.process_id,
        # Staff keep results; nobody "authored" one in the citizens' sense.
        author_id=None,
    )


def public_results(queryset):
    """Results anyone may see: not hidden, not in an unpublished process."""
    return queryset.filter(is_hidden=False).filter(
        Q(process__isnull=True) | Q(process__is_published=True)
    )


def _map_public(queryset):
    return public_results(queryset).filter(lat__isnull=False, lon__isnull=False)


def _map_categories():
    sources = [(k.kind, k.label) for k in registry.kinds() if k.kind not in (KIND, "comment")]
    return [*sources, (OTHER, _("Other commitments"))]


MAP = registry.MapSpec(
    public=_map_public,
    statuses=lambda: list(Status.choices),
    categories=_map_categories,
    depends_on=((Process, lambda process: Result.objects.filter(process=process)),),
)


KIND_ENTRY = registry.register(
    registry.ContributionKind(
        kind=KIND,
        label=_("Result"),
        model=Result,
        author_field="created_by",
        present=present,
        export_fields=("title", "status", "progress", "created_at"),
        flaggable=False,
        map=MAP,
    )
)
