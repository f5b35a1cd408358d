"""Subscribers to other apps' domain events."""

import logging
import math

from wegov.core.events import subscribe

from . import selectors, services, tasks

logger = logging.getLogger(__name__)


@subscribe(services.MAP_ITEM_ADDED)
def on_map_item_added(
    *,
    kind,
    object_id,
    lat,
    lon,
    district="",
    author_id=None,
    **_payload,
):
    """A new public geolocated contribution: tell the people whose areas of
    interest hold it (in a Celery task when many areas may)."""
    try:
        lat, lon, object_id = float(lat), float(lon), int(object_id)
    except (TypeError, ValueError):
        logger.warning("map.item_added with a bad point or id: %r %r %r", object_id, lat, lon)
        return
    if not (math.isfinite(lat) and math.isfinite(lon)) or not isinstance(kind, str) or not kind:
        return
    arguments = {
        "kind": kind[:30],
        "object_id": object_id,
        "lat": lat,
        "lon": lon,
        "district": str(district or ""),
        "author_id": int(author_id) if author_id else None,
    }
    if selectors.candidate_count(lat, lon, arguments["district"]) > services.INLINE_CANDIDATES_MAX:
        tasks.send_area_alerts.delay(**arguments)
    else:
        services.area_alerts_send(**arguments)
