"""Writes of the open-data app: exporting datasets, asking for a regeneration,
changing the licence and contact point."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.core.audit import audit
from wegov.core.events import emit

from . import registry, writer
from .models import DatasetExport, Licence, OpenDataSettings

logger = logging.getLogger(__name__)

SETTINGS_FIELDS = ("licence", "publisher_name", "contact_name", "contact_email")


@dataclass
class Outcome:
    slug: str
    ok: bool
    rows: int | None = None
    seconds: float = 0.0
    error: str = ""


def file_metadata(dataset: registry.Dataset, od: OpenDataSettings, generated_at) -> dict:
    """The header of the JSON and GeoJSON files."""
    return {
        "title": str(dataset.title),
        "description": str(dataset.description),
        "publisher": od.publisher_name,
        "licence": {
            "id": od.licence,
            "title": str(Licence(od.licence).label),
            "url": od.licence_url,
        },
        "generated_at": generated_at.isoformat(),
    }


def _as_date(value):
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def export_dataset(slug: str, *, formats: tuple[str, ...] | None = None) -> Outcome:
    """Export one dataset to its files (all formats unless ``formats``).

    On failure the previous files stay published, the error is recorded on the
    dataset's ``DatasetExport`` (shown to staff) and returned, not raised.
    """
    dataset = registry.get(slug)
    formats = tuple(formats or registry.FORMATS)
    od = OpenDataSettings.load()
    started, now = time.monotonic(), timezone.now()
    try:
        result = writer.write_dataset(
            dataset, metadata=file_metadata(dataset, od, now), formats=formats
        )
    except Exception as exc:
        logger.exception("Open-data export of %s failed", slug)
        message = f"{type(exc).__name__}: {exc}"[:2000]
        DatasetExport.objects.update_or_create(
            slug=slug, defaults={"last_error": message, "failed_at": timezone.now()}
        )
        return Outcome(slug, ok=False, error=message, seconds=time.monotonic() - started)
    seconds = time.monotonic() - started
    with transaction.atomic():
        export, _created = DatasetExport.objects.select_for_update().get_or_create(slug=slug)
        export.generated_at = now
        export.first_generated_at = export.first_generated_at or now
        export.rows = result.rows
        export.sizes = {**export.sizes, **result.sizes}
        export.duration_seconds = round(seconds, 3)
        export.temporal_start = _as_date(result.first)
        export.temporal_end = _as_date(result.last)
        export.save()
        emit("opendata.exported", slug=slug, rows=result.rows)
    return Outcome(slug, ok=True, rows=result.rows, seconds=seconds)


def export_all() -> list[Outcome]:
    """Every registered dataset; one failing does not stop the others."""
    return [export_dataset(slug) for slug in registry.slugs()]


def regenerate(*, actor, slug: str | None = None) -> None:
    """Staff or an administrator asks for fresh files now (all, or one dataset).

    The work is a Celery task: queued with a broker, run inline without one.
    """
    if not actor.has_perm("opendata.regenerate"):
        raise PermissionDenied
    if slug is not None and slug not in registry.slugs():
        raise ValidationError(_("There is no dataset “%(slug)s”.") % {"slug": slug})
    from . import tasks

    with transaction.atomic():
        audit(actor=actor, action="opendata.regenerate", label=slug or "all datasets")
        emit("opendata.regeneration_requested", slug=slug, actor_id=actor.pk)
    if slug is None:
        tasks.export_all_datasets.delay()
    else:
        tasks.export_dataset.delay(slug)


def settings_update(*, actor, **data) -> OpenDataSettings:
    """Licence, publisher and contact point; administrators only."""
    if not actor.has_perm("opendata.manage_settings"):
        raise PermissionDenied
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        od = OpenDataSettings.objects.select_for_update().get(pk=OpenDataSettings.load().pk)
        before = {name: getattr(od, name) for name in SETTINGS_FIELDS}
        for name, value in data.items():
            setattr(od, name, value)
        od.full_clean()
        od.save()
        after = {name: getattr(od, name) for name in SETTINGS_FIELDS}
        audit(
            actor=actor, action="opendata.settings_changed", target=od, before=before, after=after
        )
        emit("opendata.settings_changed", actor_id=actor.pk)
        if (
            before["licence"] != after["licence"]
            or before["publisher_name"] != after["publisher_name"]
        ):
            # The files' headers name the licence and publisher: write them again.
            from . import tasks

            transaction.on_commit(tasks.export_all_datasets.delay)
    return od
