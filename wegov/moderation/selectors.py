"""Reads for the moderation pages: the queue, a case, blocked accounts, appeals.

The queue mixes kinds (reports, proposals, debates, comments...). Targets are
loaded in one query per kind on the page (``in_bulk`` with the kind model's
direct foreign keys joined), never one per row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.utils.translation import gettext_lazy as _

from wegov.core import quality, registry
from wegov.core.models import AuditEntry

from .models import Block, BlockAppeal, Flag, ModerationCase, Reason

QUEUE_PAGE_SIZE = 25

# Queue filter values for the state; "open" (the default) is pending then hidden.
STATE_FILTERS = ("open", "pending", "hidden", "restored", "all")
# Queue orders: the moderation order, or lowest quality score first.
QUEUE_ORDERS = ("queue", "quality")


def with_quality_score(qs: models.QuerySet) -> models.QuerySet:
    """Annotate each case with its target's quality score (``quality_score``;
    None for kinds that have none), one subquery per scored kind in the same
    query: no query per row."""
    whens = [
        When(
            target_kind=kind,
            then=models.Subquery(
                scored.model.objects.filter(pk=models.OuterRef("target_id")).values(
                    "quality_score"
                )[:1]
            ),
        )
        for kind, scored in sorted(quality.SCORED_KINDS.items())
    ]
    if not whens:
        return qs.annotate(quality_score=Value(None, output_field=IntegerField()))
    return qs.annotate(quality_score=Case(*whens, default=Value(None), output_field=IntegerField()))


@dataclass
class CaseRow:
    """A case with what the pages show about it."""

    case: ModerationCase
    kind: registry.ContributionKind | None
    target: models.Model | None
    presentation: registry.Presentation | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return self.target is not None

    @property
    def target_hidden(self) -> bool:
        return bool(self.target is not None and self.kind.is_hidden(self.target))

    @property
    def pending_review(self) -> bool:
        """Hidden by flags and waiting for a moderator."""
        return self.case.state == ModerationCase.State.PENDING and self.target_hidden

    @property
    def open_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.dismissed_at is None]

    @property
    def reason_counts(self) -> list[tuple[str, int]]:
        counts = Counter(f.reason for f in self.open_flags)
        return [(label, counts[value]) for value, label in Reason.choices if counts[value]]


def load_targets(pairs) -> dict[tuple[str, int], models.Model]:
    """(kind, id) -> row, hidden or not, in one query per kind."""
    ids_by_kind: dict[str, set[int]] = defaultdict(set)
    for kind_name, object_id in pairs:
        ids_by_kind[kind_name].add(object_id)
    found = {}
    for kind_name, ids in ids_by_kind.items():
        try:
            kind = registry.get_kind(kind_name)
        except KeyError:
            continue
        for pk, obj in kind.load(ids).items():
            found[(kind_name, pk)] = obj
    return found


def present_all(targets: dict[tuple[str, int], models.Model]) -> dict:
    """(kind, id) -> Presentation, in bulk per kind (ContributionKind.present_all)."""
    by_kind: dict[str, list[models.Model]] = defaultdict(list)
    for (kind_name, _pk), obj in targets.items():
        by_kind[kind_name].append(obj)
    presented = {}
    for kind_name, objs in by_kind.items():
        for pk, presentation in registry.get_kind(kind_name).present_all(objs).items():
            presented[(kind_name, pk)] = presentation
    return presented


def case_rows(cases: list[ModerationCase]) -> list[CaseRow]:
    targets = load_targets((c.target_kind, c.target_id) for c in cases)
    presented = present_all(targets)
    rows = []
    for case in cases:
        key = (case.target_kind, case.target_id)
        try:
            kind = registry.get_kind(case.target_kind)
        except KeyError:
            kind = None
        rows.append(
            CaseRow(
                case=case,
                kind=kind,
                target=targets.get(key),
                presentation=presented.get(key),
                flags=list(getattr(case, "open_flag_list", [])),
            )
        )
    return rows


def cases(*, kind: str = "", state: str = "open") -> models.QuerySet:
    """Cases in queue order: pending first (those hidden by flags first, then
    the most flagged, oldest first), then hidden, then restored."""
    qs = ModerationCase.objects.select_related("author", "decided_by")
    if kind:
        qs = qs.filter(target_kind=kind)
    if state == "open":
        qs = qs.filter(state__in=[ModerationCase.State.PENDING, ModerationCase.State.HIDDEN])
    elif state in ModerationCase.State.values:
        qs = qs.filter(state=state)
    rank = Case(
        When(state=ModerationCase.State.PENDING, then=Value(0)),
        When(state=ModerationCase.State.HIDDEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(state_rank=rank).order_by(
        "state_rank",
        models.F("auto_hidden_at").asc(nulls_last=True),
        "-flag_count",
        models.F("last_flagged_at").asc(nulls_last=True),
        "-decided_at",
        "id",
    )


def queue(
    *, kind: str = "", state: str = "open", order: str = "queue", page_number=1
) -> tuple[Page, list[CaseRow]]:
    """One page of the moderation queue, with targets and open flags loaded,
    and each case's ``quality_score`` (reports and proposals)."""
    open_flags = Prefetch(
        "flags",
        queryset=Flag.objects.filter(dismissed_at__isnull=True).only(
            "id", "case_id", "reason", "dismissed_at"
        ),
        to_attr="open_flag_list",
    )
    qs = with_quality_score(cases(kind=kind, state=state).prefetch_related(open_flags))
    if order == "quality":
        qs = qs.order_by(models.F("quality_score").asc(nulls_last=True), "state_rank", "id")
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(page_number)
    return page, case_rows(list(page.object_list))


def queue_counts() -> dict[str, int]:
    """How many cases wait, are hidden; how many appeals wait."""
    counts = ModerationCase.objects.aggregate(
        pending=Count("id", filter=Q(state=ModerationCase.State.PENDING)),
        hidden=Count("id", filter=Q(state=ModerationCase.State.HIDDEN)),
    )
    counts["appeals"] = BlockAppeal.objects.filter(decided_at__isnull=True).count()
    return counts


def case_detail(kind: registry.ContributionKind, obj: models.Model) -> CaseRow:
    """The case of a contribution (an unsaved one when nobody flagged it yet),
    with every flag and its reporter."""
    case = (
        ModerationCase.objects.select_related("author", "decided_by")
        .filter(target_kind=kind.kind, target_id=obj.pk)
        .first()
    )
    flags = []
    if case is None:
        from .services import author_id

        case = ModerationCase(
            target_kind=kind.kind, target_id=obj.pk, author_id=author_id(kind, obj)
        )
    else:
        flags = list(case.flags.select_related("reporter").order_by("-created_at", "-id"))
    return CaseRow(case=case, kind=kind, target=obj, presentation=kind.present(obj), flags=flags)


def content_fields(kind: registry.ContributionKind, obj: models.Model) -> list[tuple[str, str]]:
    """The contribution's text as its author wrote it (its export fields), so a
    moderator can judge it even when it is hidden."""
    rows = []
    for name in kind.export_fields:
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            label = kind.model._meta.get_field(name).verbose_name
            rows.append((str(label), value))
    return rows


HISTORY_LABELS = {
    "moderation.hidden_pending_review": _("Hidden by flags until review"),
    "moderation.hidden": _("Hidden"),
    "moderation.restored": _("Restored, flags dismissed"),
}


def history(obj: models.Model) -> list[dict]:
    """What moderators (and the flag threshold) did to the contribution, newest first."""
    entries = AuditEntry.objects.filter(
        target_type=obj._meta.label_lower,
        target_id=str(obj.pk),
        action__in=list(HISTORY_LABELS),
    ).select_related("actor")
    return [
        {
            "at": entry.created_at,
            "label": HISTORY_LABELS[entry.action],
            "actor": entry.actor,
            "reason": (entry.after or {}).get("reason") or (entry.after or {}).get("note") or "",
        }
        for entry in entries[:50]
    ]


def author_record(user) -> dict:
    """What moderators need to know about an author before blocking them."""
    if user is None:
        return {}
    cases_about = ModerationCase.objects.filter(author=user).aggregate(
        total=Count("id"), hidden=Count("id", filter=Q(state=ModerationCase.State.HIDDEN))
    )
    return {
        **cases_about,
        "active_block": Block.objects.filter(user=user, lifted_at__isnull=True).first(),
        "blocks": Block.objects.filter(user=user).count(),
    }


def active_blocks() -> models.QuerySet:
    """Blocked accounts, those with an appeal waiting first, with all their appeals."""
    waiting = BlockAppeal.objects.filter(decided_at__isnull=True, block=models.OuterRef("pk"))
    return (
        Block.objects.filter(lifted_at__isnull=True)
        .select_related("user", "moderator")
        .prefetch_related(
            Prefetch(
                "appeals",
                queryset=BlockAppeal.objects.select_related("decided_by").order_by(
                    "-created_at", "-id"
                ),
            )
        )
        .annotate(has_open_appeal=models.Exists(waiting))
        .order_by("-has_open_appeal", "-created_at", "-id")
    )


def recently_lifted(limit: int = 20) -> models.QuerySet:
    return (
        Block.objects.filter(lifted_at__isnull=False)
        .select_related("user", "moderator", "lifted_by")
        .order_by("-lifted_at", "-id")[:limit]
    )


def own_block_status(user) -> dict:
    """For the appeal page: the person's active block and their appeals."""
    return {
        "block": Block.objects.filter(user=user, lifted_at__isnull=True).first(),
        "appeals": list(BlockAppeal.objects.filter(user=user).order_by("-created_at", "-id")[:10]),
    }
