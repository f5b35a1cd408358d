"""Reads about conversations that the results pages, the report and the API share.

The opinion groups come from the latest ``OpinionAnalysis`` (computed by a
Celery task, never here). Its JSON names statements and participants by their
number; ``conversation_results`` joins the statements it mentions to their rows
in one query and finds the viewer's own point and group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import Conversation, OpinionAnalysis, Participant, Statement, Vote
from .services import BROWSER_COOKIE, browser_key_of, participant_for

# Marker shapes and colours of the groups, in this order. Colours from the
# Okabe-Ito colour-blind safe palette, darkened to at least 3:1 contrast on
# white (WCAG 1.4.11); shapes tell the groups apart without colour.
GROUP_STYLES = (
    ("circle", "#0072b2"),
    ("triangle", "#b84c00"),
    ("square", "#00775a"),
    ("diamond", "#a0457a"),
    ("cross", "#6e5c00"),
)


# The maths forms no groups with fewer people who voted enough to be placed
# (``maths.MIN_GROUPABLE``; not imported, so that pages never load
# scikit-learn: a test keeps the two equal).
PARTICIPANTS_NEEDED = 4


def group_letter(label: int) -> str:
    """Group 1 is "A", 2 is "B", ...; past Z the number itself."""
    return chr(ord("A") + label - 1) if 1 <= label <= 26 else str(label)


# --- Conversations --------------------------------------------------------------------


def conversation_by_slug(slug: str) -> Conversation | None:
    return Conversation.objects.select_related("process").filter(slug=slug).first()


def conversation_for_viewer(slug: str, viewer) -> Conversation:
    """The conversation when ``viewer`` may see it, else 404 (drafts stay hidden
    from everyone but managers)."""
    conversation = conversation_by_slug(slug)
    if conversation is None or not (
        viewer is not None and viewer.has_perm("opinions.view_conversation", conversation)
    ):
        raise Http404
    return conversation


def count_per_conversation(queryset: QuerySet) -> Coalesce:
    """A per-conversation count of ``queryset``'s rows as a subquery: one query for
    a whole list, without the row blow-up of joining statements, participants and votes."""
    counted = (
        queryset.filter(conversation=OuterRef("pk"))
        .order_by()
        .values("conversation")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def public_conversations() -> QuerySet[Conversation]:
    """Published conversations, open ones first, then newest, with how many statements are shown
    and how many people take part."""
    return (
        Conversation.objects.visible()
        .select_related("process")
        .annotate(
            statement_count=count_per_conversation(Statement.objects.shown()),
            participant_count=count_per_conversation(Participant.objects.all()),
        )
        .order_by("-is_open", "-created_at", "-pk")
    )


def progress(conversation: Conversation, participant: Participant | None) -> tuple[int, int]:
    """(shown statements the participant voted on, shown statements): two indexed
    counts, whatever the number of votes in the conversation."""
    total = Statement.objects.shown().filter(conversation=conversation).count()
    if participant is None:
        return 0, total
    voted = Vote.objects.filter(
        participant=participant,
        statement__state=Statement.State.ACCEPTED,
        statement__is_hidden=False,
    ).count()
    return voted, total


def vote_counts(statement: Statement) -> dict:
    """Agree, disagree and pass votes on one statement, and their total."""
    counts = statement.votes.aggregate(
        agree=Count("pk", filter=Q(value=Vote.Value.AGREE)),
        disagree=Count("pk", filter=Q(value=Vote.Value.DISAGREE)),
        passed=Count("pk", filter=Q(value=Vote.Value.PASS)),
    )
    counts["total"] = counts["agree"] + counts["disagree"] + counts["passed"]
    return counts


def public_conversation(slug: str) -> Conversation | None:
    return public_conversations().filter(slug=slug).first()


def latest_analysis(conversation: Conversation) -> OpinionAnalysis | None:
    return OpinionAnalysis.objects.filter(conversation=conversation).first()


def latest_analysis_id(conversation: Conversation) -> int | None:
    return (
        OpinionAnalysis.objects.filter(conversation=conversation)
        .values_list("pk", flat=True)
        .first()
    )


def voting_period(conversation: Conversation) -> dict:
    """When the first and the last vote (on shown statements) were cast or changed."""
    return shown_votes(conversation).aggregate(first=Min("created_at"), last=Max("updated_at"))


def statement_origin(conversation: Conversation) -> dict:
    """How many shown statements the organisers seeded and participants wrote."""
    return (
        Statement.objects.filter(conversation=conversation)
        .shown()
        .aggregate(
            seed=Count("pk", filter=Q(is_seed=True)), written=Count("pk", filter=Q(is_seed=False))
        )
    )


def shown_votes(conversation: Conversation) -> QuerySet[Vote]:
    """Votes on the statements people see (accepted, not hidden): what the maths reads."""
    return Vote.objects.filter(
        conversation=conversation,
        statement__state=Statement.State.ACCEPTED,
        statement__is_hidden=False,
    )


def shown_statement_numbers(conversation: Conversation) -> set[int]:
    return set(
        Statement.objects.filter(conversation=conversation).shown().values_list("number", flat=True)
    )


def statements_with_counts(conversation: Conversation) -> QuerySet[Statement]:
    """The statements people see, by number, with their agree, disagree and pass votes."""
    return (
        Statement.objects.filter(conversation=conversation)
        .shown()
        .order_by("number")
        .annotate(
            agree_count=Count("votes", filter=Q(votes__value=Vote.Value.AGREE)),
            disagree_count=Count("votes", filter=Q(votes__value=Vote.Value.DISAGREE)),
            pass_count=Count("votes", filter=Q(votes__value=Vote.Value.PASS)),
        )
    )


# --- The viewer -----------------------------------------------------------------------


def participant_of_request(conversation: Conversation, request):
    """The participant the viewer is in this conversation (None if they have not
    taken part): by account when signed in, else by their browser's cookie."""
    return participant_for(
        conversation,
        user=request.user,
        browser_key=browser_key_of(request.COOKIES.get(BROWSER_COOKIE)),
    )


# --- Results --------------------------------------------------------------------------


@dataclass
class GroupStyle:
    shape: str
    colour: str


@dataclass
class Share:
    """How many of some people voted one way on a statement."""

    count: int
    votes: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.votes) if self.votes else 0


@dataclass
class GroupShare:
    group: GroupView
    share: Share


@dataclass
class Representative:
    statement: Statement
    direction: str  # agree | disagree
    group: Share  # in the group
    rest: Share  # in the other groups
    ratio: float
    z: float


@dataclass
class GroupView:
    label: int
    letter: str
    size: int
    percent: int  # of the participants in groups
    center: tuple[float, float]
    style: GroupStyle
    is_viewer: bool = False
    representative: list[Representative] = field(default_factory=list)
    members: list[int] = field(default_factory=list, repr=False)


@dataclass
class Consensus:
    statement: Statement
    direction: str
    score: float
    shares: list[GroupShare]


@dataclass
class Divisive:
    statement: Statement
    spread: float
    shares: list[GroupShare]  # agreeing, per group


@dataclass
class ViewerPosition:
    participant: Participant | None
    vote_count: int = 0
    point: tuple[float, float] | None = None
    group: GroupView | None = None
    # The viewer voted after the analysis was computed and is not in it yet.
    pending: bool = False


@dataclass
class ConversationResults:
    conversation: Conversation
    analysis: OpinionAnalysis | None
    participant_count: int
    vote_count: int
    statement_count: int
    votes_since: int
    votes_needed: int  # a participant's votes needed to be placed in a group
    ready_count: int | None  # participants with that many votes (None: not counted)
    viewer: ViewerPosition
    groups: list[GroupView] = field(default_factory=list)
    consensus: list[Consensus] = field(default_factory=list)
    divisive: list[Divisive] = field(default_factory=list)
    grouped_count: int = 0
    participants_needed: int = PARTICIPANTS_NEEDED

    @property
    def has_groups(self) -> bool:
        return bool(self.groups)

    @property
    def consensus_by_direction(self) -> list[tuple[str, list[Consensus]]]:
        """Agreed statements first, then disagreed ones, each best first."""
        return [
            (direction, [c for c in self.consensus if c.direction == direction])
            for direction in ("agree", "disagree")
        ]

    def group(self, label) -> GroupView | None:
        label = int(label)
        return next((g for g in self.groups if g.label == label), None)


def _styles(labels: list[int]) -> dict[int, GroupStyle]:
    """Each label keeps its shape and colour across recomputations when it can."""
    by_label = {label: (label - 1) % len(GROUP_STYLES) for label in labels}
    if len(set(by_label.values())) < len(labels):
        by_label = {label: i % len(GROUP_STYLES) for i, label in enumerate(sorted(labels))}
    return {label: GroupStyle(*GROUP_STYLES[i]) for label, i in by_label.items()}


def group_views(result: dict, *, viewer_label: int | None = None) -> list[GroupView]:
    raw = sorted(result.get("groups", []), key=lambda g: g["label"])
    styles = _styles([g["label"] for g in raw])
    total = sum(g["size"] for g in raw) or 1
    return [
        GroupView(
            label=g["label"],
            letter=group_letter(g["label"]),
            size=g["size"],
            percent=round(100 * g["size"] / total),
            center=tuple(g.get("center") or (0.0, 0.0)),
            style=styles[g["label"]],
            is_viewer=g["label"] == viewer_label,
            members=g.get("members", []),
        )
        for g in raw
    ]


def viewer_point(result: dict, number: int | None):
    """(x, y, label) of participant ``number`` in the analysis, or None."""
    if number is None:
        return None
    for p, x, y, label in result.get("points", []):
        if p == number:
            return x, y, label
    return None


def votes_needed(conversation: Conversation, statement_count: int) -> int:
    """Pol.is places a participant once they voted on min(min_votes, statements)."""
    return (
        max(1, min(conversation.min_votes, statement_count))
        if statement_count
        else (conversation.min_votes)
    )


def _counts(entry: dict | None, direction: str) -> Share:
    entry = entry or {}
    votes = sum(entry.get(k, 0) for k in ("agree", "disagree", "pass"))
    return Share(entry.get(direction, 0), votes)


def conversation_results(
    conversation: Conversation, *, participant: Participant | None = None
) -> ConversationResults:
    """Everything the results page shows, in a fixed number of queries."""
    analysis = latest_analysis(conversation)
    statement_count = Statement.objects.filter(conversation=conversation).shown().count()
    needed = votes_needed(conversation, statement_count)
    viewer = ViewerPosition(participant=participant)
    if participant is not None:
        viewer.vote_count = shown_votes(conversation).filter(participant=participant).count()

    if analysis is None:
        totals = shown_votes(conversation).aggregate(
            votes=Count("pk"), participants=Count("participant", distinct=True)
        )
        ready = (
            shown_votes(conversation)
            .values("participant")
            .annotate(n=Count("pk"))
            .filter(n__gte=needed)
            .count()
        )
        return ConversationResults(
            conversation=conversation,
            analysis=None,
            participant_count=totals["participants"],
            vote_count=totals["votes"],
            statement_count=statement_count,
            votes_since=0,
            votes_needed=needed,
            ready_count=ready,
            viewer=viewer,
        )

    result = analysis.result
    point = viewer_point(result, participant.number if participant else None)
    groups = group_views(result, viewer_label=point[2] if point else None)
    by_label = {g.label: g for g in groups}
    if point:
        viewer.point = (point[0], point[1])
        viewer.group = by_label.get(point[2])
    elif participant is not None and viewer.vote_count >= needed:
        viewer.pending = True

    numbers = set()
    for g in result.get("groups", []):
        numbers.update(r["statement"] for r in g.get("representative", []))
    numbers.update(c["statement"] for c in result.get("consensus", []))
    numbers.update(d["statement"] for d in result.get("divisive", []))
    # One query for every statement the analysis names; those hidden since are left out.
    statements = {
        s.number: s
        for s in Statement.objects.filter(conversation=conversation, number__in=numbers).shown()
    }
    per_statement = result.get("statements", {})

    for g in result.get("groups", []):
        view = by_label[g["label"]]
        for r in g.get("representative", []):
            statement = statements.get(r["statement"])
            if statement is None:
                continue
            entry = per_statement.get(str(r["statement"]), {}).get("groups", {})
            rest = {
                key: sum(
                    counts.get(key, 0)
                    for label, counts in entry.items()
                    if label != str(g["label"])
                )
                for key in ("agree", "disagree", "pass")
            }
            view.representative.append(
                Representative(
                    statement=statement,
                    direction=r["direction"],
                    group=_counts(r, r["direction"]),
                    rest=_counts(rest, r["direction"]),
                    ratio=r.get("ratio", 0.0),
                    z=r.get("z", 0.0),
                )
            )

    def shares(number: int, direction: str) -> list[GroupShare]:
        entry = per_statement.get(str(number), {}).get("groups", {})
        return [GroupShare(g, _counts(entry.get(str(g.label)), direction)) for g in groups]

    consensus = [
        Consensus(
            statements[c["statement"]],
            c["direction"],
            c.get("score", 0.0),
            shares(c["statement"], c["direction"]),
        )
        for c in result.get("consensus", [])
        if c["statement"] in statements
    ]
    divisive = [
        Divisive(statements[d["statement"]], d.get("spread", 0.0), shares(d["statement"], "agree"))
        for d in result.get("divisive", [])
        if d["statement"] in statements
    ]
    votes_since = (
        Vote.objects.filter(conversation=conversation, updated_at__gt=analysis.computed_at)
        .order_by()
        .count()
    )
    return ConversationResults(
        conversation=conversation,
        analysis=analysis,
        participant_count=analysis.participant_count,
        vote_count=analysis.vote_count,
        statement_count=statement_count,
        votes_since=votes_since,
        votes_needed=needed,
        ready_count=None,
        viewer=viewer,
        groups=groups,
        consensus=consensus,
        divisive=divisive,
        grouped_count=analysis.grouped_count,
    )


@dataclass
class StatementRow:
    statement: Statement
    overall: dict  # agree, disagree, pass, total (now)
    groups: list[tuple[GroupView, dict]]  # per group at the analysis


def statement_table(conversation: Conversation, results: ConversationResults) -> list[StatementRow]:
    """Every shown statement with its votes now, and per group at the last analysis."""
    per_statement = results.analysis.result.get("statements", {}) if results.analysis else {}
    rows = []
    for s in statements_with_counts(conversation):
        entry = per_statement.get(str(s.number), {}).get("groups", {})
        groups = []
        for g in results.groups:
            counts = entry.get(str(g.label))
            if counts is not None:
                counts = {
                    **counts,
                    "total": sum(counts.get(k, 0) for k in ("agree", "disagree", "pass")),
                }
            groups.append((g, counts))
        rows.append(
            StatementRow(
                statement=s,
                overall={
                    "agree": s.agree_count,
                    "disagree": s.disagree_count,
                    "pass": s.pass_count,
                    "total": s.agree_count + s.disagree_count + s.pass_count,
                },
                groups=groups,
            )
        )
    return rows
