"""The one map's scenarios (group "map"): /api/v1/map/items over the map index.

The index holds one row per public, geolocated contribution; after
``python -m bench generate`` (reports, then proposals) fill it with
``manage.py rebuild_map_index`` (docs/bench.md).
"""

from __future__ import annotations

import datetime as dt
import random

from bench.run import CENTRE, _box, _random_point, _setup_django


def facts() -> dict:
    _setup_django()
    from django.db import connection
    from django.db.models import Count

    from wegov.mapview.models import MapItem

    by_kind = dict(MapItem.objects.values_list("kind").annotate(n=Count("id")).order_by())
    return {
        "database": connection.settings_dict["NAME"],
        "map_items": sum(by_kind.values()),
        "map_items_by_kind": by_kind,
    }


def scenarios() -> list[dict]:
    rng = random.Random(11)
    city_box = _box(*CENTRE, 8.0)
    today = dt.date.today()
    url = "/api/v1/map/items"
    return [
        {
            "name": "map_items_street",
            "label": "map items, 300 m boxes at random places (zoom 17, street level)",
            "paths": [
                f"{url}?bbox={_box(*_random_point(rng, 3.0), 0.3)}&zoom=17" for _ in range(5000)
            ],
        },
        {
            "name": "map_items_city",
            "label": "map items, whole city (zoom 12, clustered)",
            "paths": [f"{url}?bbox={city_box}&zoom=12"],
        },
        {
            "name": "map_items_city_proposals",
            "label": "... only proposals (kind=proposal)",
            "paths": [f"{url}?bbox={city_box}&zoom=12&kind=proposal"],
        },
        {
            "name": "map_items_city_uncached",
            "label": "map items, whole city, a different start date each time (no cache hits)",
            "paths": [
                f"{url}?bbox={city_box}&zoom=12&start={today - dt.timedelta(days=d)}"
                for d in range(1, 731)
            ],
        },
    ]
