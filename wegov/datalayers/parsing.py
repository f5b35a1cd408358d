"""Reading a layer file (GeoJSON or CSV) into point features, or refusing it.

Every refusal says where the file is wrong: the line of a CSV file (and what is
wrong on it), the feature of a GeoJSON file (its number and index, and what is
wrong with it), or the line and column where a GeoJSON file stops being JSON.

Points only: a GeoJSON ``Point`` is taken as it is; any other geometry
(``MultiPoint``, ``LineString``, ``Polygon``, ``Multi...``) is reduced to its
representative point (shapely's ``representative_point``: a point guaranteed
to lie inside a polygon or on a line), so a playground drawn as a polygon is
shown where it is. A ``GeometryCollection`` or a missing geometry is refused.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LAT_NAMES = ("lat", "latitude", "y", "breedtegraad")
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "lengtegraad")
NAME_NAMES = ("name", "naam", "title", "titel", "label", "omschrijving")
KEY_NAMES = ("id", "identifier", "fid")

KEY_MAX = 200
NAME_MAX = 200
PROPERTY_KEY_MAX = 100
PROPERTY_VALUE_MAX = 1000
PROPERTIES_MAX = 50


class LayerFileError(ValidationError):
    """The file cannot be read; the message says where and why."""


@dataclass
class ParsedFeature:
    key: str
    name: str
    lat: float
    lon: float
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Columns:
    """Which CSV columns (or GeoJSON properties) to read; blank: detect."""

    lat: str = ""
    lon: str = ""
    name: str = ""
    key: str = ""


def sanitise_properties(raw: Any, *, skip: set[str] | frozenset[str] = frozenset()) -> dict:
    """Scalar values only (text, numbers, true/false, null), bounded in size;
    nested objects and lists are dropped."""
    if not isinstance(raw, dict):
        return {}
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if len(clean) >= PROPERTIES_MAX:
            break
        name = str(key).strip()[:PROPERTY_KEY_MAX]
        if not name or name in skip:
            continue
        if value is None or isinstance(value, bool | int):
            clean[name] = value
        elif isinstance(value, float):
            if math.isfinite(value):
                clean[name] = value
        elif isinstance(value, str):
            clean[name] = value.strip()[:PROPERTY_VALUE_MAX]
    return clean


def parse_layer_file(
    content: bytes,
    *,
    format: str = "auto",
    columns: Columns | None = None,
    max_features: int = 50000,
) -> list[ParsedFeature]:
    """The file's features; raises ``LayerFileError`` saying what is wrong where."""
    columns = columns or Columns()
    text = _decode(content)
    if not text.strip():
        raise LayerFileError(_("The file is empty."))
    if format == "auto":
        format = "geojson" if text.lstrip()[:1] in ("{", "[") else "csv"
    if format == "geojson":
        return parse_geojson(text, columns=columns, max_features=max_features)
    return parse_csv(text, columns=columns, max_features=max_features)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise LayerFileError(
            _("Line %(line)s: the file is not UTF-8 text (byte %(byte)s cannot be read).")
            % {"line": line, "byte": exc.start + 1}
        ) from None


# --- GeoJSON -------------------------------------------------------------------


def _where(index: int) -> str:
    return _("Feature %(number)s (index %(index)s)") % {"number": index + 1, "index": index}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _check_position(position: Any, where: str) -> tuple[float, float]:
    if not isinstance(position, list) or len(position) < 2:
        raise LayerFileError(
            _("%(where)s: a position must be a list of [longitude, latitude].") % {"where": where}
        )
    lon, lat = _number(position[0]), _number(position[1])
    if lon is None or lat is None:
        raise LayerFileError(
            _("%(where)s: the coordinates %(value)s are not numbers.")
            % {"where": where, "value": json.dumps(position[:2])[:80]}
        )
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise LayerFileError(
            _(
                "%(where)s: the coordinates [%(lon)s, %(lat)s] are out of range "
                "(longitude -180 to 180, latitude -90 to 90; GeoJSON puts the longitude first)."
            )
            % {"where": where, "lon": lon, "lat": lat}
        )
    return lon, lat


def _positions(coordinates: Any, depth: int, where: str) -> None:
    """Check every position of a nested coordinate array ``depth`` levels deep."""
    if depth == 0:
        _check_position(coordinates, where)
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise LayerFileError(_("%(where)s: the coordinates are empty.") % {"where": where})
    for item in coordinates:
        _positions(item, depth - 1, where)


NESTING = {"MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _point_of(geometry: Any, where: str) -> tuple[float, float]:
    """(lat, lon) of a geometry: a Point as it is, others reduced to a point."""
    if geometry is None:
        raise LayerFileError(_("%(where)s has no geometry.") % {"where": where})
    if not isinstance(geometry, dict):
        raise LayerFileError(_("%(where)s: the geometry is not an object.") % {"where": where})
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Point":
        lon, lat = _check_position(coordinates, where)
        return lat, lon
    if kind not in NESTING:
        raise LayerFileError(
            _(
                "%(where)s: the geometry is a %(type)s, not a Point "
                "(Point, MultiPoint, LineString or Polygon geometries are accepted)."
            )
            % {"where": where, "type": str(kind)[:40]}
        )
    _positions(coordinates, NESTING[kind], where)
    from shapely.geometry import shape

    try:
        point = shape(geometry).representative_point()
    except Exception:  # shapely refuses a degenerate ring or line
        raise LayerFileError(
            _("%(where)s: the %(type)s cannot be reduced to a point (is it degenerate?).")
            % {"where": where, "type": kind}
        ) from None
    if point.is_empty:
        raise LayerFileError(_("%(where)s: the geometry is empty.") % {"where": where})
    return point.y, point.x


def _pick(properties: dict, wanted: str, candidates: tuple[str, ...]) -> Any:
    if wanted:
        return properties.get(wanted)
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for name in candidates:
        if lowered.get(name) not in (None, ""):
            return lowered[name]
    return None


def parse_geojson(text: str, *, columns: Columns, max_features: int) -> list[ParsedFeature]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LayerFileError(
            _("The file is not valid JSON at line %(line)s, column %(column)s: %(reason)s.")
            % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        ) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        raw_features = [document]
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection":
        raw_features = document.get("features")
        if not isinstance(raw_features, list):
            raise LayerFileError(_("The FeatureCollection has no list of features."))
    else:
        raise LayerFileError(
            _("The file is JSON but not GeoJSON: expected a FeatureCollection or a Feature.")
        )
    if len(raw_features) > max_features:
        raise LayerFileError(
            _("The file has %(count)s features; a layer may have at most %(max)s.")
            % {"count": len(raw_features), "max": max_features}
        )
    features: list[ParsedFeature] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_features):
        where = _where(index)
        if not isinstance(raw, dict) or raw.get("type") != "Feature":
            raise LayerFileError(_("%(where)s is not a GeoJSON Feature.") % {"where": where})
        lat, lon = _point_of(raw.get("geometry"), where)
        properties = raw.get("properties") or {}
        if not isinstance(properties, dict):
            raise LayerFileError(
                _("%(where)s: its properties are not an object.") % {"where": where}
            )
        key = raw.get("id")
        if columns.key:
            key = properties.get(columns.key)
            if key in (None, ""):
                raise LayerFileError(
                    _("%(where)s has no “%(column)s” property (the identifier).")
                    % {"where": where, "column": columns.key}
                )
        if key is None or isinstance(key, bool) or not isinstance(key, str | int | float):
            key = str(index + 1)
        key = str(key).strip()
        if not key or len(key) > KEY_MAX:
            raise LayerFileError(
                _("%(where)s: its identifier is empty or longer than %(max)s characters.")
                % {"where": where, "max": KEY_MAX}
            )
        if key in seen:
            raise LayerFileError(
                _("%(where)s: its identifier “%(key)s” is already used by feature %(other)s.")
                % {"where": where, "key": key, "other": seen[key] + 1}
            )
        seen[key] = index
        name = _pick(properties, columns.name, NAME_NAMES)
        features.append(
            ParsedFeature(
                key=key,
                name=("" if name is None else str(name)).strip()[:NAME_MAX],
                lat=lat,
                lon=lon,
                properties=sanitise_properties(properties),
            )
        )
    return features


# --- CSV -----------------------------------------------------------------------


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _column(header: list[str], wanted: str, candidates: tuple[str, ...], what: str) -> int | None:
    lowered = [h.strip().lower() for h in header]
    if wanted:
        if wanted.strip().lower() in lowered:
            return lowered.index(wanted.strip().lower())
        raise LayerFileError(
            _("Line 1: there is no %(what)s column “%(name)s”; the columns are: %(columns)s.")
            % {"what": what, "name": wanted, "columns": ", ".join(header)[:300]}
        )
    for name in candidates:
        if name in lowered:
            return lowered.index(name)
    return None


def _coordinate(raw: str, line: int, what: str, low: float, high: float) -> float:
    value = raw.strip()
    if not value:
        raise LayerFileError(
            _("Line %(line)s: the %(what)s is empty.") % {"line": line, "what": what}
        )
    if "," in value and "." not in value:
        value = value.replace(",", ".")  # a decimal comma (52,1561)
    try:
        number = float(value)
    except ValueError:
        raise LayerFileError(
            _("Line %(line)s: the %(what)s “%(value)s” is not a number.")
            % {"line": line, "what": what, "value": raw.strip()[:40]}
        ) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise LayerFileError(
            _("Line %(line)s: the %(what)s %(value)s is out of range (%(low)s to %(high)s).")
            % {"line": line, "what": what, "value": raw.strip()[:40], "low": low, "high": high}
        )
    return number


def parse_csv(text: str, *, columns: Columns, max_features: int) -> list[ParsedFeature]:
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise LayerFileError(_("Line 1: the header row cannot be read.")) from None
    header = [h.strip() for h in header]
    lat_at = _column(header, columns.lat, LAT_NAMES, _("latitude"))
    lon_at = _column(header, columns.lon, LON_NAMES, _("longitude"))
    if lat_at is None or lon_at is None:
        raise LayerFileError(
            _(
                "Line 1: no %(what)s column found (looked for %(names)s); name the column in "
                "the form. The columns are: %(columns)s."
            )
            % {
                "what": _("latitude") if lat_at is None else _("longitude"),
                "names": ", ".join(LAT_NAMES if lat_at is None else LON_NAMES),
                "columns": ", ".join(header)[:300],
            }
        )
    name_at = _column(header, columns.name, NAME_NAMES, _("name"))
    key_at = _column(header, columns.key, KEY_NAMES, _("identifier"))
    skip = {header[lat_at], header[lon_at]}
    features: list[ParsedFeature] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines are allowed
            if len(row) != len(header):
                raise LayerFileError(
                    _("Line %(line)s: %(count)s values, but the header has %(columns)s columns.")
                    % {"line": line, "count": len(row), "columns": len(header)}
                )
            if len(features) >= max_features:
                raise LayerFileError(
                    _("Line %(line)s: a layer may have at most %(max)s features.")
                    % {"line": line, "max": max_features}
                )
            lat = _coordinate(row[lat_at], line, _("latitude"), -90, 90)
            lon = _coordinate(row[lon_at], line, _("longitude"), -180, 180)
            key = row[key_at].strip() if key_at is not None else str(len(features) + 1)
            if not key or len(key) > KEY_MAX:
                raise LayerFileError(
                    _("Line %(line)s: the identifier is empty or longer than %(max)s characters.")
                    % {"line": line, "max": KEY_MAX}
                )
            if key in seen:
                raise LayerFileError(
                    _("Line %(line)s: the identifier “%(key)s” is already used on line %(other)s.")
                    % {"line": line, "key": key[:80], "other": seen[key]}
                )
            seen[key] = line
            features.append(
                ParsedFeature(
                    key=key,
                    name=row[name_at].strip()[:NAME_MAX] if name_at is not None else "",
                    lat=lat,
                    lon=lon,
                    properties=sanitise_properties(dict(zip(header, row, strict=True)), skip=skip),
                )
            )
    except csv.Error as exc:
        raise LayerFileError(
            _("Line %(line)s: %(reason)s.") % {"line": reader.line_num or line, "reason": exc}
        ) from None
    if not features:
        raise LayerFileError(_("The file has a header but no rows."))
    return features
