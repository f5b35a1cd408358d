"""Short-lived caching of public report reads (map tiles, Open311 lists).

One ``VersionedCache`` (``wegov.core.versioned_cache``): its *reports data
version* goes up after every committed write the public can see (a new report,
a status change, a public update, a reassignment, hiding or unhiding), so a
change shows at once; the TTL (``SECONDS``) only bounds what no event
announces (edits in the Django admin, a category renamed) and the moving edge
of date windows.
"""

from __future__ import annotations

from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import subscribe
from wegov.core.versioned_cache import VersionedCache, incr_with_expiry

__all__ = ["SECONDS", "bump_version", "clear_local", "get", "get_many", "incr_with_expiry"]

SECONDS = 30
reports_cache = VersionedCache("reports", seconds=SECONDS)
VERSION_KEY = reports_cache.version_key
# Events after which public reads may differ (emitted after commit by services.py).
EVENTS = (
    "report.created",
    "report.status_changed",
    "report.updated",
    "report.reassigned",
    "report.hidden",
)

bump_version = reports_cache.bump
get = reports_cache.get
get_many = reports_cache.get_many
set_many = reports_cache.set_many
clear_local = reports_cache.clear_local

for _event in EVENTS:
    subscribe(_event)(bump_version)


@subscribe(VISIBILITY_EVENT)
def _report_visibility_changed(kind: str = "", **_payload) -> None:
    # Moderation hides and restores reports through the registry; the cached
    # Open311 pages and map tiles must follow at once.
    if kind == "report":
        bump_version()
