"""Reads shared by the /opendata/ page, the API and the DCAT-AP catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from . import registry, writer
from .models import DatasetExport

# Formats in the order they are listed, with a human name.
FORMAT_LABELS = {"csv": "CSV", "geojson": "GeoJSON", "json": "JSON"}


@dataclass
class Distribution:
    format: str  # csv, geojson, json
    label: str
    media_type: str
    eu_file_type: str
    path: str  # the download URL's path
    size: int | None  # bytes of the published file, None before the first export


@dataclass
class DatasetListing:
    dataset: registry.Dataset
    export: DatasetExport | None
    distributions: list[Distribution] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.dataset.slug

    @property
    def generated(self) -> bool:
        return self.export is not None and self.export.generated_at is not None


def download_path(slug: str, fmt: str) -> str:
    return reverse("opendata:download", args=[slug, fmt])


def listing() -> list[DatasetListing]:
    """Every registered dataset with the state of its files; one query."""
    exports = {e.slug: e for e in DatasetExport.objects.all()}
    result = []
    for dataset in registry.datasets():
        export = exports.get(dataset.slug)
        sizes = export.sizes if export is not None and export.generated_at else {}
        distributions = [
            Distribution(
                format=fmt,
                label=FORMAT_LABELS[fmt],
                media_type=media_type,
                eu_file_type=eu_type,
                path=download_path(dataset.slug, fmt),
                size=sizes.get(fmt),
            )
            for fmt, (media_type, eu_type) in registry.FORMATS.items()
        ]
        result.append(DatasetListing(dataset, export, distributions))
    return result


def published_file(slug: str, fmt: str):
    """The path of a published file, or None (unknown dataset or format, not generated yet)."""
    try:
        registry.get(slug)
        path = writer.file_path(slug, fmt)
    except KeyError:
        return None
    return path if path.is_file() else None
