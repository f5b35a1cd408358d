"""Reads about processes that the pages and the API share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from .models import Action, Phase, Process, Topic

STATUSES = ("active", "upcoming", "past")
CITY_WIDE = "city"  # the district filter's value for city-wide processes


@dataclass
class ProcessFilters:
    status: str = ""  # "active", "upcoming", "past" or "" (all)
    district: str = ""  # a district slug, CITY_WIDE, or "" (all)
    topic: str = ""  # a topic slug


def can_manage(user) -> bool:
    return bool(user is not None and user.has_perm("processes.manage_processes"))


def _with_related(qs: QuerySet[Process]) -> QuerySet[Process]:
    return qs.select_related("topic", "district", "organisation").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("position", "starts_on"))
    )


def process_list(
    *, filters: ProcessFilters | None = None, manage: bool = False, today: dt.date | None = None
) -> QuerySet[Process]:
    """Processes with their topic, district, organisation and phases loaded.

    The public list (``manage=False``) has published processes only, running
    ones first, then upcoming, then past; the managers' list (``manage=True``:
    the caller checks the permission) has drafts too, newest first.
    """
    filters = filters or ProcessFilters()
    today = today or timezone.localdate()
    qs = Process.objects.all() if manage else Process.objects.published()
    if filters.status == "active":
        qs = qs.active(today)
    elif filters.status == "upcoming":
        qs = qs.upcoming(today)
    elif filters.status == "past":
        qs = qs.past(today)
    if filters.district == CITY_WIDE:
        qs = qs.filter(scope=Process.Scope.CITY)
    elif filters.district:
        qs = qs.filter(district__slug=filters.district)
    if filters.topic:
        qs = qs.filter(topic__slug=filters.topic)
    if manage:
        return _with_related(qs).order_by("-created_at", "-pk")
    rank = Case(
        When(Q(starts_on__lte=today, ends_on__gte=today), then=Value(0)),
        When(starts_on__gt=today, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return _with_related(qs).annotate(status_rank=rank).order_by("status_rank", "-starts_on", "pk")


def process_by_slug(slug: str) -> Process | None:
    """The process, published or not, with its topic, district, organisation
    and phases: what the process, proposal and debate pages all read. Each
    page decides who may see an unpublished one."""
    return _with_related(Process.objects.filter(slug=slug)).first()


def process_detail(slug: str, viewer=None) -> Process:
    """A process with everything its page shows; 404 when it does not exist or
    is an unpublished draft and the viewer is no process manager."""
    process = process_by_slug(slug)
    if process is None:
        raise Http404
    if not process.is_published and not (
        viewer is not None and viewer.has_perm("processes.view_process", process)
    ):
        raise Http404
    return process


def process_for_manager(pk: int) -> Process:
    process = _with_related(Process.objects.filter(pk=pk)).first()
    if process is None:
        raise Http404
    return process


def topics() -> QuerySet[Topic]:
    return Topic.objects.order_by("name")


@dataclass(frozen=True)
class TimelineEntry:
    phase: Phase
    state: str  # "past", "active", "upcoming"


def timeline(process: Process, today: dt.date | None = None) -> list[TimelineEntry]:
    today = today or timezone.localdate()
    return [TimelineEntry(phase, phase.state(today)) for phase in process.phases.all()]


def allowed_actions(process: Process, today: dt.date | None = None) -> list[str]:
    """What citizens may do in the process today, in ``Action`` order."""
    return [action for action in Action.values if process.allows(action, today)]


def has_started(process: Process, kind: str, today: dt.date | None = None) -> bool:
    """Whether a phase of this kind has started (its contributions exist to see)."""
    today = today or timezone.localdate()
    return any(p.kind == kind and p.starts_on <= today for p in process.phases.all())
