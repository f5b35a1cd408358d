"""Writes one dataset to its files in one pass over its rows, in constant memory.

Rows stream from the dataset (a database cursor read in chunks); each row is
converted once (dates to ISO 8601, user text to plain text) and written to a
temporary file per format as it comes: CSV through ``csv.writer``, JSON and
GeoJSON one object per line between a header and a footer written by hand.
Only when every row is written are the temporary files renamed over the
published ones (``os.replace``, atomic on one file system); any failure
removes the temporary files and leaves the last good files untouched.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from . import registry, text

WRITE_BUFFER = 1024 * 1024


def export_dir() -> Path:
    """Where the files live: WEGOV_OPENDATA_DIR, else MEDIA_ROOT/opendata."""
    configured = getattr(settings, "WEGOV_OPENDATA_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "opendata"


def file_path(slug: str, fmt: str) -> Path:
    if fmt not in registry.FORMATS:
        raise KeyError(fmt)
    return export_dir() / f"{slug}.{fmt}"


def _iso(value):
    return value.isoformat() if value is not None else None


def _json_array(value):
    return list(value) if value is not None else []


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    registry.TEXT: text.plain_text,
    registry.HTML: text.html_to_text,
    registry.DATETIME: _iso,
    registry.DATE: _iso,
    registry.ARRAY: _json_array,
}


def row_converter(dataset: registry.Dataset) -> Callable[[tuple], list]:
    """row -> list of publishable values; only the fields that need it are converted."""
    steps = [(i, CONVERTERS[f.type]) for i, f in enumerate(dataset.fields) if f.type in CONVERTERS]

    def convert(row: tuple) -> list:
        values = list(row)
        for i, func in steps:
            values[i] = func(values[i])
        return values

    return convert


def _csv_values(dataset: registry.Dataset) -> Callable[[list], list]:
    text_i = [
        i
        for i, f in enumerate(dataset.fields)
        if f.type in (registry.STRING, registry.TEXT, registry.HTML)
    ]
    array_i = [i for i, f in enumerate(dataset.fields) if f.type == registry.ARRAY]
    bool_i = [i for i, f in enumerate(dataset.fields) if f.type == registry.BOOLEAN]

    def values(row: list) -> list:
        out = list(row)
        for i in text_i:
            if out[i]:
                out[i] = text.csv_cell(out[i])
        for i in array_i:
            out[i] = json.dumps(out[i], ensure_ascii=False, separators=(",", ":"))
        for i in bool_i:
            if out[i] is not None:
                out[i] = "true" if out[i] else "false"
        return out

    return values


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass
class Result:
    rows: int
    sizes: dict[str, int]
    # The smallest and largest value of the dataset's temporal field (None without one).
    first: Any = None
    last: Any = None


def write_dataset(
    dataset: registry.Dataset,
    *,
    metadata: dict[str, Any],
    formats: tuple[str, ...] = tuple(registry.FORMATS),
) -> Result:
    """Write ``dataset`` in ``formats``; returns the row count and file sizes.

    ``metadata`` (title, licence, publisher, generated_at...) goes into the
    JSON and GeoJSON headers. Raises whatever the rows raise; the published
    files are then unchanged.
    """
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(6)
    temps = {fmt: directory / f".{dataset.slug}.{fmt}.{token}.tmp" for fmt in formats}
    handles = {}
    try:
        for fmt, path in temps.items():
            handles[fmt] = open(path, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER)  # noqa: SIM115
        result = _write_rows(dataset, handles, metadata)
        for handle in handles.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        result.sizes = {fmt: path.stat().st_size for fmt, path in temps.items()}
        for fmt, path in temps.items():
            os.replace(path, file_path(dataset.slug, fmt))
        return result
    finally:
        for handle in handles.values():
            if not handle.closed:
                handle.close()
        for path in temps.values():
            path.unlink(missing_ok=True)


def _write_rows(dataset: registry.Dataset, handles: dict, metadata: dict) -> Result:
    names = dataset.field_names
    convert = row_converter(dataset)
    csv_file, geo_file, json_file = (handles.get(f) for f in ("csv", "geojson", "json"))
    csv_writer = csv_values = None
    if csv_file is not None:
        csv_writer = csv.writer(csv_file, lineterminator="\n")
        csv_writer.writerow(names)
        csv_values = _csv_values(dataset)
    geometry = dataset.geometry_function() if geo_file is not None else None
    fields = [registry.field_dict(f) for f in dataset.fields]
    if geo_file is not None:
        header = {"type": "FeatureCollection", "name": dataset.slug, "metadata": metadata}
        geo_file.write(_dumps(header)[:-1] + ',"features":[\n')
    if json_file is not None:
        header = {"dataset": dataset.slug, **metadata, "fields": fields}
        json_file.write(_dumps(header)[:-1] + ',"rows":[\n')
    id_i = names.index("id") if "id" in names else None
    time_i = names.index(dataset.temporal_field) if dataset.temporal_field else None
    first = last = None
    count = 0
    for row in dataset.iter_rows():
        if time_i is not None and row[time_i] is not None:
            moment = row[time_i]
            if first is None or moment < first:
                first = moment
            if last is None or moment > last:
                last = moment
        values = convert(row)
        separator = ",\n" if count else ""
        if csv_writer is not None:
            csv_writer.writerow(csv_values(values))
        properties = None
        if json_file is not None or geo_file is not None:
            properties = dict(zip(names, values, strict=True))
        if json_file is not None:
            json_file.write(separator + _dumps(properties))
        if geo_file is not None:
            feature = {"type": "Feature", "geometry": geometry(row), "properties": properties}
            if id_i is not None:
                feature["id"] = values[id_i]
            geo_file.write(separator + _dumps(feature))
        count += 1
    if geo_file is not None:
        geo_file.write("\n]}\n")
    if json_file is not None:
        json_file.write(f'\n],"row_count":{count}}}\n')
    return Result(rows=count, sizes={}, first=first, last=last)
