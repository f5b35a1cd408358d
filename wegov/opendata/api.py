"""GET /api/v1/opendata/datasets: the open datasets, their files and licence."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema

from . import catalog, selectors
from .models import Licence, OpenDataSettings

router = Router(tags=["open data"])


class LicenceOut(Schema):
    id: str = Field(description="SPDX identifier: CC0-1.0, CC-BY-4.0 or ODbL-1.0.")
    title: str
    url: str = Field(description="The licence text.")


class FieldOut(Schema):
    name: str
    type: str = Field(
        description="string, text, html (published as plain text), integer, number, "
        "boolean, datetime (ISO 8601, UTC), date or array."
    )
    description: str


class DistributionOut(Schema):
    format: str = Field(description="csv, geojson or json.")
    media_type: str
    url: str = Field(description="Absolute download URL.")
    bytes: int | None = Field(description="File size; null before the first export.")


class DatasetOut(Schema):
    slug: str
    title: str
    description: str
    keywords: list[str]
    themes: list[str] = Field(description="EU data-theme URIs.")
    generated_at: dt.datetime | None
    rows: int | None
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    licence: LicenceOut
    fields: list[FieldOut]
    distributions: list[DistributionOut]
    page: str = Field(description="The dataset on the /opendata/ page.")


class DatasetListOut(Schema):
    publisher: str
    contact_email: str
    catalog_jsonld: str
    catalog_turtle: str
    datasets: list[DatasetOut]


class ErrorOut(Schema):
    detail: str


def _out(item: selectors.DatasetListing, licence: LicenceOut) -> dict:
    base = catalog.base_url()
    export = item.export if item.generated else None
    dataset = item.dataset
    return {
        "slug": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "keywords": list(dataset.keywords),
        "themes": [str(catalog.DATA_THEME[t]) for t in dataset.themes],
        "generated_at": export.generated_at if export else None,
        "rows": export.rows if export else None,
        "temporal_start": export.temporal_start if export else None,
        "temporal_end": export.temporal_end if export else None,
        "licence": licence,
        "fields": [
            {"name": f.name, "type": f.type, "description": str(f.description)}
            for f in dataset.fields
        ],
        "distributions": [
            {
                "format": d.format,
                "media_type": d.media_type,
                "url": base + d.path,
                "bytes": d.size,
            }
            for d in item.distributions
        ],
        "page": f"{base}/opendata/#dataset-{dataset.slug}",
    }


def _licence(od: OpenDataSettings) -> LicenceOut:
    return LicenceOut(id=od.licence, title=str(Licence(od.licence).label), url=od.licence_url)


@router.get(
    "/datasets",
    response=DatasetListOut,
    auth=None,
    summary="Every open dataset with its download links, size, row count and licence",
)
def list_datasets(request):
    od = OpenDataSettings.load()
    licence = _licence(od)
    base = catalog.base_url()
    return {
        "publisher": od.publisher_name,
        "contact_email": od.contact_email,
        "catalog_jsonld": base + "/opendata/catalog.jsonld",
        "catalog_turtle": base + "/opendata/catalog.ttl",
        "datasets": [_out(item, licence) for item in selectors.listing()],
    }


@router.get(
    "/datasets/{slug}",
    response={200: DatasetOut, 404: ErrorOut},
    auth=None,
    summary="One open dataset",
)
def get_dataset(request, slug: str):
    for item in selectors.listing():
        if item.slug == slug:
            return _out(item, _licence(OpenDataSettings.load()))
    raise Http404
