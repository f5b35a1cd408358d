"""The activity contract between the apps where things happen and ``social``.

A service that does something other people may want to hear about calls
``publish(...)`` inside its transaction. After commit, ``social`` records it in
the activity feed (when public), and notifies:

- the users in ``notify`` (the proposal's author when it is answered, people
  mentioned in a comment...), whatever they follow;
- everyone following the target, the actor, or any object named in
  ``context`` (its process, district, topic, parent contribution).

Nobody is notified of their own action. Verbs are stable machine names;
``social.notification_types`` groups them into the types users choose
immediate / daily digest / off for.

Verbs in use (extend the list in ``social`` when adding one):
    process.published, process.phase_started,
    proposal.created, proposal.qualified, proposal.answered, proposal.withdrawn,
    proposal.coauthor_invited,
    debate.created, debate.closed,
    budget_project.submitted, budget_project.evaluated,
    poll.opened, poll.results_published, voting.delegated,
    result.tracked, result.status_changed, result.milestone_reached,
    report.created, report.resolved,
    comment.created, comment.replied, comment.mentioned,
    area.new_contribution (places: a contribution inside someone's area of interest),
    moderation.hidden, moderation.user_blocked,
    moderation.statement_accepted, moderation.statement_rejected (opinions)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wegov.core.events import emit

ACTIVITY_EVENT = "activity.published"

# Context keys ``social`` understands; each maps to a followable target kind.
CONTEXT_KEYS = ("process", "district", "topic", "parent_kind", "parent_id")


def publish(
    verb: str,
    *,
    actor,
    target_kind: str,
    target_id: int,
    context: dict[str, Any] | None = None,
    notify: Iterable[int] = (),
    public: bool = True,
    extra: dict[str, Any] | None = None,
) -> None:
    """Announce an action once the current transaction commits.

    ``actor`` is a user or None (the system); ``context`` holds ids:
    ``{"process": 3, "district": 2, "topic": 5, "parent_kind": "proposal",
    "parent_id": 9}``; ``notify`` holds user ids to notify directly;
    ``public=False`` keeps it out of the public feed (still notifies);
    ``extra`` is small JSON for the notification text (e.g. the answer state).
    """
    emit(
        ACTIVITY_EVENT,
        verb=verb,
        actor_id=getattr(actor, "pk", None),
        target_kind=target_kind,
        target_id=target_id,
        context={k: v for k, v in (context or {}).items() if v is not None},
        notify_user_ids=sorted({int(u) for u in notify}),
        public=public,
        extra=extra or {},
    )


# Emitted by ``moderation`` when a contribution or comment is hidden or
# unhidden, so caches, feeds and indexes drop or restore it.
VISIBILITY_EVENT = "contribution.visibility_changed"  # kind=, object_id=, hidden=
