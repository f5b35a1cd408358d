"""Events from other apps that change what proposals store."""

from wegov.core.events import subscribe

from . import services


@subscribe("comment.count_changed")
def store_comment_count(*, kind: str, object_id: int, count: int, **_ignored) -> None:
    if kind == services.KIND:
        services.comment_count_store(proposal_id=object_id, count=count)
