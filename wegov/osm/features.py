"""Which OpenStreetMap point features the index keeps, and how to recognise them.

A kind is recognised by any of its tag matches; ``None`` as the value means
"any value". A project overrides the list with the Django setting
``WEGOV_OSM_FEATURES`` (same shape as ``DEFAULT_FEATURES``)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_FEATURES: dict[str, dict] = {
    "street_lamp": {"label": _("street lamp"), "tags": [("highway", "street_lamp")]},
    "bench": {"label": _("bench"), "tags": [("amenity", "bench"), ("leisure", "picnic_table")]},
    "waste_basket": {
        "label": _("bin"),
        "tags": [("amenity", "waste_basket"), ("amenity", "waste_disposal")],
    },
    "recycling": {"label": _("recycling container"), "tags": [("amenity", "recycling")]},
    "bus_stop": {
        "label": _("bus stop"),
        "tags": [("highway", "bus_stop"), ("public_transport", "platform")],
    },
    "playground": {"label": _("playground"), "tags": [("leisure", "playground")]},
}


def features() -> dict[str, dict]:
    return getattr(settings, "WEGOV_OSM_FEATURES", None) or DEFAULT_FEATURES


def feature_kind_choices() -> list[tuple[str, str]]:
    return [(kind, spec["label"]) for kind, spec in features().items()]


def feature_label(kind: str) -> str:
    spec = features().get(kind)
    return str(spec["label"]) if spec else kind


def matcher():
    """A function tags -> kind or None, built once per import."""
    by_key: dict[str, list[tuple[str | None, str]]] = {}
    for kind, spec in features().items():
        for key, value in spec["tags"]:
            by_key.setdefault(key, []).append((value, kind))

    def match(tags) -> str | None:
        for key, options in by_key.items():
            value = tags.get(key)
            if value is None:
                continue
            for wanted, kind in options:
                if wanted is None or wanted == value:
                    return kind
        return None

    return match
