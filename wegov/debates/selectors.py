"""Reads shared by the debate pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from wegov.processes.models import Process, Topic
from wegov.processes.selectors import process_by_slug

from .models import Debate

ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "most_commented": ("-comment_count", "-created_at", "-id"),
}
DEFAULT_ORDER = "newest"


@dataclass
class DebateFilters:
    state: str = ""  # "open" / "closed" / "" (all)
    topic: str = ""  # a Topic slug
    order: str = DEFAULT_ORDER


def public_debates() -> QuerySet[Debate]:
    """Debates the public sees, with what a list row shows (no N+1)."""
    return Debate.objects.visible().select_related(
        "process", "author", "opened_by_organisation", "topic", "district"
    )


def debates_for(process: Process | None, filters: DebateFilters | None = None) -> QuerySet[Debate]:
    """The public debates of a process (or of every published process), filtered
    and ordered; pages and the API paginate the result."""
    filters = filters or DebateFilters()
    qs = public_debates()
    if process is not None:
        qs = qs.filter(process=process)
    if filters.state in Debate.State.values:
        qs = qs.filter(state=filters.state)
    if filters.topic:
        qs = qs.filter(topic__slug=filters.topic)
    return qs.order_by(*ORDERINGS.get(filters.order, ORDERINGS[DEFAULT_ORDER]))


def debate_detail(process: Process, pk: int) -> Debate | None:
    """A debate of ``process``, hidden or not (its page shows the public
    reason instead of a hidden one); None if the process has no such debate."""
    return (
        Debate.objects.select_related(
            "process__organisation",
            "author",
            "opened_by_organisation",
            "topic",
            "district",
            "closed_by",
        )
        .filter(process=process, pk=pk)
        .first()
    )


def visible_process(user, slug: str) -> Process | None:
    """A published process, or an unpublished one for its administration side
    (who review it before it opens); None otherwise."""
    from .rules import is_administration_side

    process = process_by_slug(slug)
    if process is None:
        return None
    if process.is_published or is_administration_side(user, process):
        return process
    return None


def topics_in(process: Process) -> QuerySet[Topic]:
    """The topics of the process's public debates (the list's topic filter)."""
    return Topic.objects.filter(
        pk__in=Debate.objects.filter(process=process, is_hidden=False)
        .exclude(topic=None)
        .values("topic_id")
    )
