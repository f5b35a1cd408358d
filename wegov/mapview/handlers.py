"""Events after which the map index must look at contributions again."""

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


@subscribe("places.areas_imported")
def _districts_changed(**_payload) -> None:
    # New or moved district boundaries change which district each item is in.
    services.rebuild()
