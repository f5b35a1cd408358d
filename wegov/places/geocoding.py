"""The geocoding adapter: addresses to points and points to addresses.

Which geocoder answers:

1. ``WEGOV_GEOCODER_URL`` set (a Nominatim-compatible base URL, e.g.
   ``https://nominatim.openstreetmap.org``): its ``/search`` and ``/reverse``
   (``format=jsonv2``), with the site's User-Agent, a timeout and a cache.
   A failure (timeout, HTTP error, bad JSON) gives no result, never an error.
2. Else the local OpenStreetMap index (``manage.py import_osm``), offline.
3. Else nothing: geocoding returns no result, and the map pin and typed
   coordinates are the way to give a place (they always work).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import asdict, dataclass
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class GeocodeResult:
    lat: float
    lon: float
    label: str  # "Kerkstraat 12", "Kerkstraat", "near Kerkstraat"
    kind: str  # "address", "street" or "place"
    context: str = ""  # postcode and city, or the rest of a display name
    distance_m: float | None = None  # reverse geocoding: from the asked point
    source: str = ""  # "osm" (the local index) or "nominatim"

    def as_dict(self) -> dict:
        return asdict(self)


def _remote_url() -> str:
    return (getattr(settings, "WEGOV_GEOCODER_URL", "") or "").rstrip("/")


def _local_index_ready() -> bool:
    if not apps.is_installed("wegov.osm"):
        return False
    from wegov.osm.selectors import is_imported

    return is_imported()


def backend() -> str:
    """ "nominatim", "osm" or "" (no geocoder)."""
    if _remote_url():
        return "nominatim"
    if _local_index_ready():
        return "osm"
    return ""


def is_available() -> bool:
    return bool(backend())


# --- Nominatim ----------------------------------------------------------------------


def _fetch(path: str, params: dict):
    """GET a Nominatim endpoint as JSON; None on any failure (logged). Cached."""
    url = f"{_remote_url()}/{path}?{urlencode(params)}"
    key = "geocoder:" + hashlib.sha256(url.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    request = Request(  # noqa: S310 (the administrator's configured https URL)
        url,
        headers={
            "User-Agent": getattr(settings, "WEGOV_GEOCODER_USER_AGENT", "")
            or f"WeGov ({settings.WEGOV_CONTACT_EMAIL})",
            "Accept": "application/json",
            "Accept-Language": get_language() or settings.LANGUAGE_CODE,
        },
    )
    timeout = float(getattr(settings, "WEGOV_GEOCODER_TIMEOUT", 5))
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = json.loads(response.read(2_000_000).decode("utf-8"))
    except (URLError, TimeoutError, OSError, ValueError) as exc:
        logger.warning("Geocoder request %s failed: %s", path, exc)
        return None
    cache.set(key, data, CACHE_SECONDS)
    return data


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _nominatim_result(item: dict, *, near: tuple[float, float] | None = None):
    if not isinstance(item, dict):
        return None
    lat, lon = _number(item.get("lat")), _number(item.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    address = item.get("address") if isinstance(item.get("address"), dict) else {}
    road = str(address.get("road") or address.get("pedestrian") or address.get("footway") or "")
    number = str(address.get("house_number") or "")
    display = str(item.get("display_name") or "")
    parts = [p.strip() for p in display.split(",") if p.strip()]
    if road and number:
        label, kind = f"{road} {number}", "address"
    elif road and near is not None:
        label, kind = _("near %(street)s") % {"street": road}, "street"
    elif road:
        label, kind = road, "street"
    else:
        label, kind = (parts[0] if parts else f"{lat:.5f}, {lon:.5f}"), "place"
    city = str(address.get("city") or address.get("town") or address.get("village") or "")
    context = " ".join(p for p in (str(address.get("postcode") or ""), city) if p)
    distance = None
    if near is not None:
        from wegov.osm.geo import distance_m

        distance = distance_m(near[0], near[1], lat, lon)
    return GeocodeResult(
        lat=lat,
        lon=lon,
        label=label[:250],
        kind=kind,
        context=context[:250],
        distance_m=distance,
        source="nominatim",
    )


def _viewbox() -> dict:
    """Keep searches inside the city's bounding box, when there is one."""
    from .selectors import city_area

    city = city_area()
    if city is None:
        return {}
    return {
        "viewbox": f"{city.min_lon},{city.max_lat},{city.max_lon},{city.min_lat}",
        "bounded": 1,
    }


def _nominatim_search(text: str, limit: int) -> list[GeocodeResult]:
    params = {"format": "jsonv2", "q": text, "limit": limit, "addressdetails": 1, **_viewbox()}
    data = _fetch("search", params)
    if not isinstance(data, list):
        return []
    results = (_nominatim_result(item) for item in data[:limit])
    return [r for r in results if r is not None]


def _nominatim_reverse(lat: float, lon: float) -> GeocodeResult | None:
    params = {"format": "jsonv2", "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "addressdetails": 1}
    data = _fetch("reverse", params)
    if not isinstance(data, dict) or "error" in data:
        return None
    return _nominatim_result(data, near=(lat, lon))


# --- The adapter --------------------------------------------------------------------


def geocode(text: str, limit: int = 5) -> list[GeocodeResult]:
    """Candidate places for an address or street name, best first (maybe none)."""
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    if len(text) < 2:
        return []
    limit = max(1, min(int(limit), 10))
    which = backend()
    if which == "nominatim":
        return _nominatim_search(text, limit)
    if which == "osm":
        from wegov.osm.selectors import geocode as local_geocode

        return local_geocode(text, limit)
    return []


def reverse(lat: float, lon: float) -> GeocodeResult | None:
    """The nearest address or street of a point, or None."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    which = backend()
    if which == "nominatim":
        return _nominatim_reverse(lat, lon)
    if which == "osm":
        from wegov.osm.selectors import reverse as local_reverse

        return local_reverse(lat, lon)
    return None
