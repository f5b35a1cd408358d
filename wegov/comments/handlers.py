"""Keeping the targets' comment counts right when moderation hides or unhides a comment."""

from wegov.core import pagecache
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import subscribe

from .models import Comment

# Pages cached for visitors (core.pagecache) show comment sections.
pagecache.bump_on_changes(Comment)


@subscribe(VISIBILITY_EVENT)
def comment_visibility_changed(*, kind, object_id, hidden=None, **_payload) -> None:
    if kind != "comment":
        return
    from .services import emit_count

    target = Comment.objects.filter(pk=object_id).values("target_kind", "target_id").first()
    if target:
        emit_count(target["target_kind"], target["target_id"])
