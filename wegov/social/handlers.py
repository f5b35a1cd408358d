"""Subscribers to the domain events other apps emit (see core.activity)."""

from wegov.core.activity import ACTIVITY_EVENT, VISIBILITY_EVENT
from wegov.core.events import subscribe

from . import services


@subscribe(ACTIVITY_EVENT)
def on_activity(
    *,
    verb,
    actor_id=None,
    target_kind,
    target_id,
    context=None,
    notify_user_ids=(),
    public=True,
    extra=None,
    **_payload,
):
    services.activity_record(
        verb=verb,
        actor_id=actor_id,
        target_kind=target_kind,
        target_id=target_id,
        context=context,
        notify_user_ids=notify_user_ids,
        public=public,
        extra=extra,
    )


@subscribe(VISIBILITY_EVENT)
def on_visibility_changed(*, kind, object_id, hidden, **_payload):
    services.activity_visibility_set(kind=kind, object_id=object_id, hidden=hidden)
