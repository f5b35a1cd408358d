"""Moderation hides and restores through the registry: the map follows at once."""

from wegov.core import registry
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import subscribe

from . import services


@subscribe(VISIBILITY_EVENT)
def _visibility_changed(kind: str = "", object_id=None, **_payload) -> None:
    try:
        contribution_kind = registry.get_kind(kind)
    except KeyError:
        return
    if contribution_kind.map is not None and object_id is not None:
        services.sync(contribution_kind, [object_id], announce=False)
