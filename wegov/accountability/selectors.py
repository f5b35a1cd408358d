"""Reads that the result pages, the API and open data share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from wegov.accounts.rules import is_administrator, is_process_manager
from wegov.core import registry

from .models import Milestone, Result, ResultPhoto, ResultUpdate, Status
from .registration import public_results


@dataclass(frozen=True)
class ResultFilters:
    status: str = ""
    process: str = ""  # slug
    district: str = ""  # slug


def results(filters: ResultFilters | None = None) -> QuerySet[Result]:
    """Public results with what lists show, most recently changed first."""
    filters = filters or ResultFilters()
    qs = public_results(Result.objects.all()).select_related("process", "district", "department")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.process:
        qs = qs.filter(process__slug=filters.process)
    if filters.district:
        qs = qs.filter(district__slug=filters.district)
    return qs.order_by("-updated_at", "-id")


def status_counts(qs: QuerySet[Result]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in one grouped query."""
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


def result_for_page(pk: int) -> Result | None:
    """One result (hidden or not: the caller decides) with everything its page shows."""
    return (
        Result.objects.select_related("process", "district", "department")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by(*Milestone._meta.ordering)),
            Prefetch("photos", queryset=ResultPhoto.objects.order_by("created_at", "id")),
            Prefetch(
                "updates",
                queryset=ResultUpdate.objects.select_related("author").order_by(
                    "-created_at", "-id"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def is_public(result: Result) -> bool:
    return public_results(Result.objects.filter(pk=result.pk)).exists()


def source_of(result: Result) -> registry.Presentation | None:
    """The contribution the result implements, as the registry presents it
    (None when it has none, it is gone, or it is not public)."""
    if not result.has_source:
        return None
    try:
        kind = registry.get_kind(result.source_kind)
    except KeyError:
        return None
    source = kind.with_relations().filter(pk=result.source_id).first()
    if source is None or kind.is_hidden(source):
        return None
    shown = kind.present(source)
    return shown if shown.public else None


def source_label(result: Result):
    try:
        return registry.get_kind(result.source_kind).label
    except KeyError:
        return result.source_kind


def trackable_proposals(user) -> QuerySet:
    """Accepted, visible proposals that no result implements yet, in the
    processes whose results ``user`` may start tracking."""
    from wegov.proposals.models import Proposal

    tracked = Result.objects.filter(source_kind="proposal", source_id=OuterRef("pk"))
    qs = (
        Proposal.objects.visible()
        .filter(answer_state=Proposal.AnswerState.ACCEPTED)
        .exclude(state=Proposal.State.WITHDRAWN)
        .annotate(tracked=Exists(tracked))
        .filter(tracked=False)
        .select_related("process", "district")
        .order_by("-answered_at", "-id")
    )
    if is_administrator(user) or is_process_manager(user):
        return qs
    if not (user and user.is_authenticated):
        return qs.none()
    return qs.filter(Q(process__organisation__memberships__user=user)).distinct()
