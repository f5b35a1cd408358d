"""Every write of the data-layers app: permission check, validation,
transaction, audit entry, domain event.

Importing a layer (``layer_create``, ``layer_update``, ``layer_refresh``)
reads its source (the uploaded file, or its URL), parses it (``parsing``) and
only then, in one transaction, replaces the layer's features. A file that
cannot be read never touches the last good copy.

Features are replaced by key: a row whose key comes back is updated in place
(so links made to it survive), new keys are added, keys that disappeared are
deleted together with the links to them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.core import registry
from wegov.core.audit import audit
from wegov.core.events import emit

from . import fetch, parsing
from .models import DataLayer, FeatureLink, LayerFeature

# A contribution may be linked to features at most this far from its place.
LINK_RADIUS_M = 150
BATCH = 500

# Fields an administrator sets; what the audit entries compare.
META_FIELDS = (
    "name",
    "slug",
    "description",
    "licence",
    "attribution",
    "source_url",
    "refresh_minutes",
    "is_public",
)
SOURCE_FIELDS = ("data_url", "format", "lat_column", "lon_column", "name_column", "key_column")


def _require(actor, perm: str, obj=None) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _snapshot(layer: DataLayer) -> dict:
    data = {name: getattr(layer, name) for name in META_FIELDS + SOURCE_FIELDS}
    data["upload"] = layer.upload.name or ""
    return data


def _columns(layer: DataLayer) -> parsing.Columns:
    return parsing.Columns(
        lat=layer.lat_column, lon=layer.lon_column, name=layer.name_column, key=layer.key_column
    )


def _read_upload(upload) -> bytes:
    limit = settings.WEGOV_DATALAYERS_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {
                "upload": _("The file is larger than the limit of %(mb)s MB.")
                % {"mb": fetch.megabytes(limit)}
            }
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {
                "upload": _("The file is larger than the limit of %(mb)s MB.")
                % {"mb": fetch.megabytes(limit)}
            }
        )
    return content


def _source_content(layer: DataLayer, upload=None) -> tuple[bytes, str]:
    """(content, field the errors belong to): a new upload, the URL, or the stored file."""
    if upload is not None:
        return _read_upload(upload), "upload"
    if layer.data_url:
        try:
            return fetch.fetch_url(layer.data_url), "data_url"
        except fetch.FetchError as exc:
            raise ValidationError({"data_url": exc.messages}) from None
    if layer.upload:
        with layer.upload.open("rb") as stored:
            return _read_upload(stored), "upload"
    raise ValidationError(_("Upload a file or give the URL of the data."))


def _parse(layer: DataLayer, content: bytes, field: str) -> list[parsing.ParsedFeature]:
    try:
        return parsing.parse_layer_file(
            content,
            format=layer.format,
            columns=_columns(layer),
            max_features=settings.WEGOV_DATALAYERS_MAX_FEATURES,
        )
    except parsing.LayerFileError as exc:
        raise ValidationError({field: exc.messages}) from None


def _validate(layer: DataLayer, *, has_upload: bool) -> None:
    if bool(layer.data_url) == has_upload:
        raise ValidationError(_("Give either a file to upload or the URL of the data, not both."))
    if layer.refresh_minutes and not layer.data_url:
        raise ValidationError(
            {"refresh_minutes": _("Only a layer read from a URL can be refreshed on a schedule.")}
        )
    if layer.data_url:
        try:
            fetch.check_url(layer.data_url)
        except fetch.FetchError as exc:
            raise ValidationError({"data_url": exc.messages}) from None
    if DataLayer.objects.filter(slug=layer.slug).exclude(pk=layer.pk).exists():
        raise ValidationError({"slug": _("Another layer already uses this slug.")})
    layer.full_clean(exclude=["upload", "slug"])


def store_features(layer: DataLayer, parsed: list[parsing.ParsedFeature]) -> None:
    """Make the layer's features exactly ``parsed``, keeping rows by key. Call
    inside a transaction."""
    existing = {
        row[0]: row
        for row in layer.features.values_list("key", "pk", "name", "lat", "lon", "properties")
    }
    to_create, to_update = [], []
    for item in parsed:
        old = existing.get(item.key)
        if old is None:
            to_create.append(
                LayerFeature(
                    layer=layer,
                    key=item.key,
                    name=item.name,
                    lat=item.lat,
                    lon=item.lon,
                    properties=item.properties,
                )
            )
        elif old[2:] != (item.name, item.lat, item.lon, item.properties):
            to_update.append(
                LayerFeature(
                    pk=old[1],
                    layer=layer,
                    key=item.key,
                    name=item.name,
                    lat=item.lat,
                    lon=item.lon,
                    properties=item.properties,
                )
            )
    keep = {item.key for item in parsed}
    gone = [row[1] for key, row in existing.items() if key not in keep]
    for start in range(0, len(gone), BATCH):
        LayerFeature.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    if to_update:
        LayerFeature.objects.bulk_update(
            to_update, ["name", "lat", "lon", "properties"], batch_size=BATCH
        )
    if to_create:
        LayerFeature.objects.bulk_create(to_create, batch_size=BATCH)


def _mark_success(layer: DataLayer, count: int, now) -> None:
    layer.feature_count = count
    layer.refreshed_at = now
    layer.last_attempt_at = now
    layer.last_error = ""
    layer.last_error_at = None
    layer.next_refresh_at = (
        now + timedelta(minutes=layer.refresh_minutes) if layer.refresh_minutes else None
    )


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def layer_create(*, actor, upload=None, **fields) -> DataLayer:
    """A new layer from an uploaded file or a URL; refused (nothing saved) when
    the source cannot be read or parsed."""
    _require(actor, "datalayers.manage_layers")
    layer = DataLayer(created_by=actor, **fields)
    _validate(layer, has_upload=upload is not None)
    content, field = _source_content(layer, upload)
    parsed = _parse(layer, content, field)
    _mark_success(layer, len(parsed), timezone.now())
    with transaction.atomic():
        if upload is not None:
            layer.upload.save(_file_name(upload, layer), ContentFile(content), save=False)
        try:
            with transaction.atomic():
                layer.save()
        except IntegrityError:
            raise ValidationError({"slug": _("Another layer already uses this slug.")}) from None
        store_features(layer, parsed)
        audit(actor=actor, action="datalayers.layer_created", target=layer, after=_snapshot(layer))
        emit("datalayers.layer_refreshed", layer_id=layer.pk)
    return layer


def _file_name(upload, layer: DataLayer) -> str:
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if suffix not in (".geojson", ".json", ".csv", ".txt"):
        suffix = ".csv" if layer.format == "csv" else ".geojson"
    return f"{layer.slug}{suffix}"


def layer_update(*, actor, layer: DataLayer, upload=None, **fields) -> DataLayer:
    """Change a layer. A new file, another URL or other columns re-import it
    (refused, nothing changed, when the source cannot be read)."""
    _require(actor, "datalayers.manage_layers")
    layer = DataLayer.objects.get(pk=layer.pk)
    before = _snapshot(layer)
    for name, value in fields.items():
        setattr(layer, name, value)
    if upload is not None:
        layer.data_url = ""
    _validate(layer, has_upload=upload is not None or (not layer.data_url and bool(layer.upload)))
    reimport = upload is not None or any(
        before[name] != getattr(layer, name) for name in SOURCE_FIELDS
    )
    content, parsed = b"", None
    if reimport:
        content, field = _source_content(layer, upload)
        parsed = _parse(layer, content, field)
    old_file = layer.upload.name if (upload is not None or layer.data_url) else ""
    with transaction.atomic():
        if upload is not None:
            layer.upload.save(_file_name(upload, layer), ContentFile(content), save=False)
        elif layer.data_url:
            layer.upload = ""
        if parsed is not None:
            _mark_success(layer, len(parsed), timezone.now())
            store_features(layer, parsed)
        elif layer.refresh_minutes != before["refresh_minutes"]:
            base = layer.refreshed_at or timezone.now()
            layer.next_refresh_at = (
                base + timedelta(minutes=layer.refresh_minutes) if layer.refresh_minutes else None
            )
        try:
            with transaction.atomic():
                layer.save()
        except IntegrityError:
            raise ValidationError({"slug": _("Another layer already uses this slug.")}) from None
        after = _snapshot(layer)
        changed = [name for name in after if after[name] != before[name]]
        audit(
            actor=actor,
            action="datalayers.layer_updated",
            target=layer,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
        if parsed is not None:
            emit("datalayers.layer_refreshed", layer_id=layer.pk)
        if old_file and old_file != layer.upload.name:
            storage = DataLayer._meta.get_field("upload").storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return layer


@dataclass(frozen=True)
class RefreshOutcome:
    ok: bool
    feature_count: int
    error: str = ""


def layer_refresh(*, actor, layer: DataLayer) -> RefreshOutcome:
    """Read the layer's source again. ``actor`` None is the scheduled refresh
    (no permission check, no audit entry). A failure keeps the features and
    records the error (message and time) on the layer."""
    if actor is not None:
        _require(actor, "datalayers.manage_layers")
    now = timezone.now()
    layer = DataLayer.objects.get(pk=layer.pk)
    try:
        parsed = _parse(layer, *_source_content(layer))
    except ValidationError as exc:
        error = _error_text(exc)
        next_at = now + timedelta(minutes=layer.refresh_minutes) if layer.refresh_minutes else None
        DataLayer.objects.filter(pk=layer.pk).update(
            last_attempt_at=now, last_error=error, last_error_at=now, next_refresh_at=next_at
        )
        if actor is not None:
            audit(
                actor=actor,
                action="datalayers.layer_refresh_failed",
                target=layer,
                after={"error": error},
            )
        return RefreshOutcome(ok=False, feature_count=layer.feature_count, error=error)
    with transaction.atomic():
        store_features(layer, parsed)
        _mark_success(layer, len(parsed), now)
        layer.save(
            update_fields=[
                "feature_count",
                "refreshed_at",
                "last_attempt_at",
                "last_error",
                "last_error_at",
                "next_refresh_at",
                "updated_at",
            ]
        )
        if actor is not None:
            audit(
                actor=actor,
                action="datalayers.layer_refreshed",
                target=layer,
                after={"feature_count": len(parsed)},
            )
        emit("datalayers.layer_refreshed", layer_id=layer.pk)
    return RefreshOutcome(ok=True, feature_count=len(parsed))


def refresh_due_layers(*, now=None) -> list[RefreshOutcome]:
    """Refresh every URL layer whose interval has elapsed (the Celery task)."""
    now = now or timezone.now()
    due = DataLayer.objects.filter(refresh_minutes__gt=0, next_refresh_at__lte=now).exclude(
        data_url=""
    )
    return [layer_refresh(actor=None, layer=layer) for layer in due.order_by("next_refresh_at")]


def layer_delete(*, actor, layer: DataLayer) -> None:
    """Delete the layer, its features and every link to them."""
    _require(actor, "datalayers.manage_layers")
    with transaction.atomic():
        audit(
            actor=actor,
            action="datalayers.layer_deleted",
            target=layer,
            before={**_snapshot(layer), "feature_count": layer.feature_count},
        )
        file_name = layer.upload.name
        layer.delete()
        emit("datalayers.layer_deleted", slug=layer.slug)
        if file_name:
            storage = DataLayer._meta.get_field("upload").storage
            transaction.on_commit(lambda: storage.delete(file_name))


# --- Links from contributions to features ----------------------------------------


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(a)))


def contribution_place(contribution) -> tuple[float, float] | None:
    presentation = registry.kind_of(contribution).present(contribution)
    if presentation.lat is None or presentation.lon is None:
        return None
    return presentation.lat, presentation.lon


def _is_author(actor, contribution) -> bool:
    kind = registry.kind_of(contribution)
    return getattr(contribution, kind.model._meta.get_field(kind.author_field).attname) == actor.pk


def feature_link(*, actor, contribution, feature: LayerFeature) -> FeatureLink:
    """Link the contribution to a feature of a public layer near its place."""
    _require(actor, "datalayers.link_feature", contribution)
    kind = registry.kind_of(contribution)
    if not feature.layer.is_public:
        raise ValidationError({"feature": _("That feature's layer is not public.")})
    place = contribution_place(contribution)
    if place is None:
        raise ValidationError(_("This contribution has no place on the map to link from."))
    if distance_m(*place, feature.lat, feature.lon) > LINK_RADIUS_M:
        raise ValidationError(
            {"feature": _("That feature is more than %(m)s m away.") % {"m": LINK_RADIUS_M}}
        )
    with transaction.atomic():
        link, created = FeatureLink.objects.get_or_create(
            contribution_kind=kind.kind,
            contribution_id=contribution.pk,
            feature=feature,
            defaults={"linked_by": actor},
        )
        if not created:
            raise ValidationError({"feature": _("It is already linked to that feature.")})
        if not _is_author(actor, contribution):
            audit(
                actor=actor,
                action="datalayers.feature_linked",
                target=link,
                after={"kind": kind.kind, "id": contribution.pk, "feature": feature.pk},
            )
        emit(
            "datalayers.feature_linked",
            kind=kind.kind,
            object_id=contribution.pk,
            feature_id=feature.pk,
            actor_id=actor.pk,
        )
    return link


def feature_unlink(*, actor, contribution, link: FeatureLink) -> None:
    _require(actor, "datalayers.link_feature", contribution)
    kind = registry.kind_of(contribution)
    if link.contribution_kind != kind.kind or link.contribution_id != contribution.pk:
        raise ValidationError(_("That link belongs to another contribution."))
    with transaction.atomic():
        if not _is_author(actor, contribution):
            audit(
                actor=actor,
                action="datalayers.feature_unlinked",
                target=link,
                before={"kind": kind.kind, "id": contribution.pk, "feature": link.feature_id},
            )
        link.delete()
        emit(
            "datalayers.feature_unlinked",
            kind=kind.kind,
            object_id=contribution.pk,
            feature_id=link.feature_id,
            actor_id=actor.pk,
        )
