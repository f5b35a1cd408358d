"""Keeps the map index in step with the contributions.

Every kind whose registry entry has a ``map`` spec is indexed: a save of one
of its rows (or of a row it depends on, like a process being published) looks
at those rows again, and a delete removes them. Signals rather than calls in
each app's services, so that every path that writes (services, moderation,
the Django admin, data migrations through the ORM) keeps the map right; the
write and the index change share the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from wegov.core import registry
from wegov.core.events import emit
from wegov.core.versioned_cache import VersionedCache
from wegov.places.models import Area
from wegov.places.selectors import DistrictLocator

from .models import MapItem

ITEM_ADDED = "map.item_added"
BATCH = 2000
_UPDATED_FIELDS = (
    "lat",
    "lon",
    "title",
    "url",
    "status",
    "category",
    "district",
    "process_id",
    "created_at",
)

# The rendered map tiles; the version goes up after every committed change.
map_cache = VersionedCache("map", seconds=30)


def mapped_kinds() -> list[registry.ContributionKind]:
    return [kind for kind in registry.kinds() if kind.map is not None]


class _Districts:
    """The districts, read once per batch: slug <-> id, and the district of a
    point for contributions that do not name one (so that the map's district
    filter finds every item)."""

    def __init__(self):
        rows = list(Area.objects.filter(kind=Area.Kind.DISTRICT))
        self.ids = {area.slug: area.pk for area in rows}
        self.slugs = {area.pk: area.slug for area in rows}
        self.locator = DistrictLocator(rows)

    def id_for(self, slug: str, lat: float, lon: float) -> int | None:
        if slug in self.ids:
            return self.ids[slug]
        return self.locator.district_id(lat, lon)


def _items(kind: registry.ContributionKind, rows: list, districts: _Districts):
    presented = kind.present_all(rows)
    for row in rows:
        shown = presented[row.pk]
        if shown.lat is None or shown.lon is None:
            continue
        yield MapItem(
            kind=kind.kind,
            object_id=row.pk,
            lat=shown.lat,
            lon=shown.lon,
            title=shown.title[:200],
            url=shown.url,
            status=shown.status,
            category=shown.category,
            district_id=districts.id_for(shown.district, shown.lat, shown.lon),
            process_id=shown.process_id,
            created_at=row.created_at,
        )


def sync(kind: registry.ContributionKind, pks: Iterable, *, announce: bool = True) -> int:
    """Index rows ``pks`` of ``kind`` as they are now: add or update those that
    belong on the public map, remove the others. With ``announce``, each row
    new to the map is announced (``map.item_added``) once the transaction
    commits. Returns how many rows are on the map."""
    pks = list(pks)
    districts = _Districts()
    on_map = 0
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        base = kind.model._default_manager.filter(pk__in=chunk)
        rows = list(kind.with_relations(kind.map.public(base)))
        items = list(_items(kind, rows, districts))
        shown = {item.object_id for item in items}
        with transaction.atomic():
            known = set(
                MapItem.objects.filter(kind=kind.kind, object_id__in=chunk).values_list(
                    "object_id", flat=True
                )
            )
            gone = [pk for pk in chunk if pk not in shown and pk in known]
            if gone:
                MapItem.objects.filter(kind=kind.kind, object_id__in=gone).delete()
            if items:
                MapItem.objects.bulk_create(
                    items,
                    update_conflicts=True,
                    unique_fields=["kind", "object_id"],
                    update_fields=_UPDATED_FIELDS,
                )
            if gone or items:
                transaction.on_commit(map_cache.bump)
        if announce:
            _announce(kind, [i for i in items if i.object_id not in known], rows, districts)
        on_map += len(items)
    return on_map


def _announce(kind, items: list[MapItem], rows: list, districts: _Districts) -> None:
    authors = {row.pk: getattr(row, f"{kind.author_field}_id", None) for row in rows}
    for item in items:
        emit(
            ITEM_ADDED,
            kind=item.kind,
            object_id=item.object_id,
            lat=item.lat,
            lon=item.lon,
            district=districts.slugs.get(item.district_id, ""),
            title=item.title,
            url=item.url,
            author_id=authors.get(item.object_id),
        )


def remove(kind_name: str, pks: Iterable) -> None:
    deleted, _ = MapItem.objects.filter(kind=kind_name, object_id__in=list(pks)).delete()
    if deleted:
        transaction.on_commit(map_cache.bump)


def rebuild(*, kinds: Iterable[str] | None = None, stdout=None) -> dict[str, int]:
    """The whole index again from the contributions, kind by kind, in batches;
    nothing is announced."""
    counts = {}
    for kind in mapped_kinds():
        if kinds and kind.kind not in kinds:
            continue
        with transaction.atomic():
            MapItem.objects.filter(kind=kind.kind).delete()
            pks = kind.map.public(kind.model._default_manager.all()).values_list("pk", flat=True)
            counts[kind.kind] = sync(kind, pks.order_by("pk").iterator(), announce=False)
        if stdout is not None:
            stdout.write(f"  {counts[kind.kind]} {kind.kind} on the map")
    transaction.on_commit(map_cache.bump)
    with connection.cursor() as cursor:
        # A whole new table: without fresh statistics the planner took a
        # filtered city view for one row and scanned all of them (1.8 s
        # instead of 12 ms over a million items).
        cursor.execute(f"ANALYZE {MapItem._meta.db_table}")
    return counts


# --- signals -------------------------------------------------------------------------


def _on_save(kind_name: str):
    def handler(sender, instance, raw=False, **_kwargs):
        if raw:  # loaddata
            return
        sync(registry.get_kind(kind_name), [instance.pk])

    return handler


def _on_delete(kind_name: str):
    def handler(sender, instance, **_kwargs):
        remove(kind_name, [instance.pk])

    return handler


def _on_dependency_save(kind_name: str, rows_of):
    def handler(sender, instance, raw=False, **_kwargs):
        if raw:
            return
        kind = registry.get_kind(kind_name)
        pks = rows_of(instance).order_by().values_list("pk", flat=True)
        sync(kind, pks.iterator(), announce=False)

    return handler


_connected: list = []


def connect_signals() -> None:
    """Called once from the app's ready(), after every app registered its kinds."""
    for kind in mapped_kinds():
        for signal, handler in (
            (post_save, _on_save(kind.kind)),
            (post_delete, _on_delete(kind.kind)),
        ):
            signal.connect(handler, sender=kind.model, weak=False)
            _connected.append(handler)
        for model, rows_of in kind.map.depends_on:
            handler = _on_dependency_save(kind.kind, rows_of)
            post_save.connect(handler, sender=model, weak=False)
            _connected.append(handler)
