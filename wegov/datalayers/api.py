"""Open-data map layers over HTTP: /api/v1/layers/ (public, read-only).

Only layers an administrator shows to the public are listed; a hidden or
unknown layer is 404. A malformed ``bbox`` is 400 with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from . import selectors

router = Router(tags=["open-data map layers"])


class ErrorOut(Schema):
    detail: Any


class LayerOut(Schema):
    slug: str
    name: str
    description: str
    licence: str
    attribution: str
    source_url: str = Field(description="The dataset's page, when the administrator gave one.")
    feature_count: int
    geojson_url: str = Field(description="The layer as GeoJSON; takes ?bbox= too.")
    updated: dt.datetime | None = Field(description="When the features were last refreshed.")


class FeatureOut(Schema):
    key: str = Field(description="The feature's id in the source, or its row number.")
    name: str
    lat: float
    lon: float
    properties: dict[str, Any] = Field(description="The source's values (text, numbers, booleans).")


class FeaturesOut(Schema):
    layer: str
    attribution: str
    licence: str
    count: int
    truncated: bool = Field(description="True when more features matched than were returned.")
    features: list[FeatureOut]


class FeatureParams(Schema):
    bbox: str | None = Field(
        None, description="minlon,minlat,maxlon,maxlat (WGS84); without it, the whole layer."
    )
    limit: int = Field(1000, ge=1, le=5000, description="At most this many features.")


@router.get(
    "/",
    response=list[LayerOut],
    auth=None,
    summary="The public map layers made from external open datasets",
)
def list_layers(request):
    return [
        {
            "slug": layer.slug,
            "name": layer.name,
            "description": layer.description,
            "licence": layer.licence,
            "attribution": layer.attribution,
            "source_url": layer.source_url,
            "feature_count": layer.feature_count,
            "geojson_url": request.build_absolute_uri(layer.geojson_url),
            "updated": layer.refreshed_at,
        }
        for layer in selectors.public_layers()
    ]


@router.get(
    "/{slug}/features",
    response={200: FeaturesOut, 400: ErrorOut, 404: ErrorOut},
    auth=None,
    summary="The features of one public layer, inside a bounding box",
)
def layer_features(request, slug: str, params: Query[FeatureParams]):
    layer = selectors.public_layer(slug)
    try:
        box = selectors.parse_bbox(params.bbox)
    except selectors.BadBBox as exc:
        raise ValidationError(str(exc)) from None
    limit = min(params.limit, settings.WEGOV_DATALAYERS_GEOJSON_LIMIT)
    rows = selectors.features_in_bbox(layer, box, limit + 1)
    return {
        "layer": layer.slug,
        "attribution": layer.attribution,
        "licence": layer.licence,
        "count": min(len(rows), limit),
        "truncated": len(rows) > limit,
        "features": [
            {
                "key": row.key,
                "name": row.name,
                "lat": row.lat,
                "lon": row.lon,
                "properties": row.properties,
            }
            for row in rows[:limit]
        ],
    }
