"""The open-data dataset registry.

Every public dataset of the platform registers here once (the built-in ones in
``datasets.py``; a later app such as budgeting registers its own from its
``AppConfig.ready``). The exporter, the /opendata/ page, the API and the DCAT-AP
catalogue all read this registry, so a registered dataset is exported nightly,
listed, downloadable in every format and described in the catalogue without
touching the open-data app.

A dataset streams its rows: ``rows()`` returns an iterator of tuples (one value
per field, in field order) read with ``QuerySet.iterator(chunk_size=...)`` or
``values_list``, never a list of every row, so an export runs in constant memory
whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Field types: how a value is written (and converted from the database).
STRING = "string"  # short text, written as is
TEXT = "text"  # free text from users: sanitised to plain text (see text.py)
HTML = "html"  # sanitised rich text: converted to plain text
INTEGER = "integer"
NUMBER = "number"
BOOLEAN = "boolean"
DATETIME = "datetime"  # ISO 8601 with offset, UTC
DATE = "date"  # ISO 8601 date
ARRAY = "array"  # a list of objects: JSON in CSV cells, nested in JSON and GeoJSON
FIELD_TYPES = (STRING, TEXT, HTML, INTEGER, NUMBER, BOOLEAN, DATETIME, DATE, ARRAY)

# EU data themes (http://publications.europa.eu/resource/authority/data-theme).
DATA_THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST",
               "REGI", "SOCI", "TECH", "TRAN")  # fmt: skip


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: Any  # translatable

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError(f"Unknown field type {self.type!r} for {self.name!r}.")


Geometry = dict[str, Any] | None


@dataclass(frozen=True)
class Dataset:
    slug: str  # stable machine name: file names, URLs, catalogue identifiers
    title: Any  # translatable
    description: Any  # translatable: what a row is, what is left out and why
    fields: tuple[Field, ...]
    # () -> iterator of tuples, one value per field, streamed from the database.
    rows: Callable[[], Iterable[tuple]]
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ("GOVE",)
    # Point geometry for GeoJSON from two fields (latitude, longitude); rows
    # where either is empty get a null geometry.
    point_fields: tuple[str, str] | None = None
    # Or: () -> (row -> GeoJSON geometry or None), prepared once per export
    # (it may load what it needs, e.g. district polygons, in one query).
    geometry_factory: Callable[[], Callable[[tuple], Geometry]] | None = None
    # A date or datetime field whose smallest and largest values the export
    # records: the period the rows cover (the catalogue's dct:temporal).
    temporal_field: str | None = None
    order: int = 100

    def __post_init__(self):
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"Dataset {self.slug!r} has duplicate field names.")
        for theme in self.themes:
            if theme not in DATA_THEMES:
                raise ValueError(f"Unknown EU data theme {theme!r} for {self.slug!r}.")
        if self.point_fields is not None and not set(self.point_fields) <= set(names):
            raise ValueError(f"Dataset {self.slug!r}: point fields must be fields.")
        if self.temporal_field is not None and self.temporal_field not in names:
            raise ValueError(f"Dataset {self.slug!r}: the temporal field must be a field.")

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def geometry_function(self) -> Callable[[tuple], Geometry]:
        if self.geometry_factory is not None:
            return self.geometry_factory()
        if self.point_fields is None:
            return lambda row: None
        lat_i, lon_i = (self.field_names.index(name) for name in self.point_fields)

        def point(row: tuple) -> Geometry:
            lat, lon = row[lat_i], row[lon_i]
            if lat is None or lon is None:
                return None
            return {"type": "Point", "coordinates": [lon, lat]}

        return point

    def iter_rows(self) -> Iterator[tuple]:
        return iter(self.rows())


_datasets: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    if dataset.slug in _datasets and _datasets[dataset.slug] is not dataset:
        raise ValueError(f"Open-data dataset {dataset.slug!r} is already registered.")
    _datasets[dataset.slug] = dataset
    return dataset


def unregister(slug: str) -> None:
    _datasets.pop(slug, None)


def datasets() -> list[Dataset]:
    return sorted(_datasets.values(), key=lambda d: (d.order, d.slug))


def get(slug: str) -> Dataset:
    """The registered dataset; raises ``KeyError`` for an unknown slug."""
    return _datasets[slug]


def slugs() -> list[str]:
    return [d.slug for d in datasets()]


# The formats every dataset is published in: extension -> (media type, EU file type).
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv", "CSV"),
    "geojson": ("application/geo+json", "GEOJSON"),
    "json": ("application/json", "JSON"),
}


def field_dict(f: Field) -> dict[str, str]:
    return {"name": f.name, "type": f.type, "description": str(f.description)}
