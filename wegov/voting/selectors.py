"""Reads about polls and delegations that the pages, the API and the command share.

``poll_results`` computes a tally without writing anything: the services
record it (``services.poll_tally``). Its inputs are fixed once a poll has
closed (votes are refused after ``closes_at``; delegations are taken as they
stood at ``closes_at``), so computing it again gives the same outcome.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from wegov.accounts.models import User

from . import schulze
from .models import Delegation, Poll, PollChoice, PollOption, PollTally, PollVote, VotingSettings


def delegation_enabled(process) -> bool:
    cached = getattr(process, "_voting_delegation_enabled", None)
    if cached is None:
        cached = VotingSettings.objects.filter(process=process, delegation_enabled=True).exists()
        process._voting_delegation_enabled = cached
    return cached


def _with_related(qs: QuerySet[Poll]) -> QuerySet[Poll]:
    return qs.select_related("process").prefetch_related(
        Prefetch("options", queryset=PollOption.objects.order_by("position", "id"))
    )


def polls_of_process(process, *, manage: bool = False) -> QuerySet[Poll]:
    """The process's polls (published only unless ``manage``), newest first,
    with their options and the number of votes."""
    qs = Poll.objects.filter(process=process)
    if not manage:
        qs = qs.filter(is_published=True)
    return _with_related(qs).annotate(vote_count=Count("votes", distinct=True))


def public_polls() -> QuerySet[Poll]:
    return _with_related(Poll.objects.visible()).annotate(vote_count=Count("votes", distinct=True))


def poll_get(pk: int, *, process_slug: str | None = None) -> Poll:
    qs = _with_related(Poll.objects.filter(pk=pk))
    if process_slug is not None:
        qs = qs.filter(process__slug=process_slug)
    poll = qs.first()
    if poll is None:
        raise Http404
    return poll


def poll_for_viewer(pk: int, viewer, *, process_slug: str | None = None) -> Poll:
    """The poll when ``viewer`` may see it, else 404 (drafts stay hidden)."""
    poll = poll_get(pk, process_slug=process_slug)
    if not (viewer is not None and viewer.has_perm("voting.view_poll", poll)):
        raise Http404
    return poll


def vote_of(poll: Poll, user) -> PollVote | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        PollVote.objects.filter(poll=poll, voter=user)
        .prefetch_related(Prefetch("choices", queryset=PollChoice.objects.order_by("rank", "id")))
        .first()
    )


def current_delegation(process, user) -> Delegation | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Delegation.objects.current()
        .filter(process=process, delegator=user)
        .select_related("delegate")
        .first()
    )


def delegators_of(process, user) -> list[User]:
    """People who delegate to ``user`` directly in ``process``."""
    return [
        d.delegator
        for d in Delegation.objects.current()
        .filter(process=process, delegate=user)
        .select_related("delegator")
        .order_by("delegator__display_name", "delegator_id")
    ]


def delegation_chain(process, user) -> list[User]:
    """Where ``user``'s vote goes: their delegate, that person's delegate, ..."""
    edges = dict(
        Delegation.objects.current()
        .filter(process=process)
        .values_list("delegator_id", "delegate_id")
    )
    chain_ids: list[int] = []
    current = edges.get(user.pk)
    while current is not None and current not in chain_ids and current != user.pk:
        chain_ids.append(current)
        current = edges.get(current)
    people = User.objects.in_bulk(chain_ids)
    return [people[pk] for pk in chain_ids if pk in people]


def total_weight(process, user) -> int:
    """1 + everyone whose delegation chain (current delegations) passes through
    ``user``: the weight ``user`` carries when they vote and the others don't."""
    edges = dict(
        Delegation.objects.current()
        .filter(process=process, delegator__is_active=True)
        .values_list("delegator_id", "delegate_id")
    )
    weight = 1
    for delegator in edges:
        seen = {delegator}
        current = edges[delegator]
        while current is not None and current not in seen:
            if current == user.pk:
                weight += 1
                break
            seen.add(current)
            current = edges.get(current)
    return weight


def delegate_candidates(process, actor, query: str, limit: int = 20) -> QuerySet[User]:
    """Participants whose display name contains ``query`` (not ``actor``)."""
    query = (query or "").strip()
    if len(query) < 2:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, blocked_at__isnull=True)
        .filter(display_name__icontains=query)
        .exclude(pk=actor.pk)
        .order_by("display_name", "pk")[:limit]
    )


# --- Tallies ------------------------------------------------------------------------


RULES = {
    Poll.Kind.SINGLE: PollTally.Rule.PLURALITY,
    Poll.Kind.APPROVAL: PollTally.Rule.APPROVAL,
    Poll.Kind.RANKED: PollTally.Rule.SCHULZE,
}


@dataclass
class OptionResult:
    option: PollOption
    direct: int = 0  # weight of the people who voted themselves
    delegated: int = 0  # weight they carried for others
    place: int = 0  # 1 = best; tied options share a place

    @property
    def total(self) -> int:
        return self.direct + self.delegated

    @property
    def key(self) -> str:
        return str(self.option.pk)


@dataclass
class PollResults:
    poll: Poll
    rule: str
    at: object  # the moment the inputs were taken
    options: list[OptionResult]  # in ranking order
    ranking: list[list[OptionResult]]
    winners: list[OptionResult]
    direct_voters: int
    delegated_weight: int
    input_hash: str
    schulze: schulze.SchulzeResult | None = None
    by_key: dict[str, OptionResult] = field(default_factory=dict)

    @property
    def total_weight(self) -> int:
        return self.direct_voters + self.delegated_weight

    @property
    def is_tie(self) -> bool:
        return len(self.winners) > 1

    @property
    def max_total(self) -> int:
        return max((o.total for o in self.options), default=0)

    def pairwise_rows(self) -> list[tuple[OptionResult, list[tuple[OptionResult, int, int]]]]:
        """For the pairwise table: each option with (other, d[x][y], p[x][y])."""
        if self.schulze is None:
            return []
        ordered = self.options
        return [
            (
                x,
                [
                    (y, self.schulze.pairwise[x.key][y.key], self.schulze.strengths[x.key][y.key])
                    if y is not x
                    else (y, None, None)
                    for y in ordered
                ],
            )
            for x in ordered
        ]

    def outcome(self) -> dict:
        """JSON-ready: what a tally record stores."""
        data = {
            "rule": self.rule,
            "winners": [o.key for o in self.winners],
            "ranking": [[o.key for o in group] for group in self.ranking],
            "options": {
                o.key: {"label": o.option.label, "direct": o.direct, "delegated": o.delegated}
                for o in sorted(self.options, key=lambda o: (o.option.position, o.option.pk))
            },
            "direct_voters": self.direct_voters,
            "delegated_weight": self.delegated_weight,
        }
        if self.schulze is not None:
            data["pairwise"] = self.schulze.as_dict()["pairwise"]
            data["strengths"] = self.schulze.as_dict()["strengths"]
        return data


def _weights(poll: Poll, voters: set[int], at) -> Counter:
    """voter id -> weight delegated to them: each person who did not vote
    carries their weight to the first person up their chain who did."""
    carried: Counter = Counter()
    if not delegation_enabled(poll.process):
        return carried
    edges = dict(
        Delegation.objects.in_force_at(at)
        .filter(process_id=poll.process_id, delegator__is_active=True)
        .values_list("delegator_id", "delegate_id")
    )
    for delegator, first in edges.items():
        if delegator in voters:
            continue  # a direct vote overrides the delegation
        seen = {delegator}
        current = first
        while current is not None and current not in voters and current not in seen:
            seen.add(current)
            current = edges.get(current)
        if current is not None and current in voters:
            carried[current] += 1
    return carried


def _ballots(poll: Poll, at) -> tuple[list[tuple[int, list[tuple[int, int | None]]]], Counter]:
    """[(voter id, [(option id, rank)])] and the delegated weights."""
    rows = (
        PollChoice.objects.filter(vote__poll=poll)
        .values_list("vote__voter_id", "option_id", "rank")
        .order_by("vote__voter_id", "rank", "option_id")
    )
    by_voter: dict[int, list[tuple[int, int | None]]] = {}
    for voter_id, option_id, rank in rows:
        by_voter.setdefault(voter_id, []).append((option_id, rank))
    return list(by_voter.items()), _weights(poll, set(by_voter), at)


def _as_schulze_ballot(poll: Poll, choices: list[tuple[int, int | None]], weight: int):
    if poll.kind == Poll.Kind.RANKED:
        groups: dict[int, set[str]] = {}
        for option_id, rank in choices:
            groups.setdefault(rank or 0, set()).add(str(option_id))
        return schulze.Ballot.of([groups[r] for r in sorted(groups)], weight=weight)
    return schulze.Ballot.of([{str(option_id) for option_id, _rank in choices}], weight=weight)


def poll_results(poll: Poll, *, at=None) -> PollResults:
    """The tally of ``poll`` with its inputs as they stood at ``at`` (now, or
    the closing time once the poll has closed)."""
    now = timezone.now()
    at = at or min(now, poll.closes_at)
    options = list(poll.options.all())
    results = {str(o.pk): OptionResult(o) for o in options}
    ballots, carried = _ballots(poll, at)
    schulze_ballots = []
    for voter_id, choices in ballots:
        extra = carried.get(voter_id, 0)
        schulze_ballots.append(_as_schulze_ballot(poll, choices, 1 + extra))
        if poll.kind == Poll.Kind.RANKED:
            best = min((rank or 0) for _o, rank in choices)
            counted = [o for o, rank in choices if (rank or 0) == best]
        else:
            counted = [o for o, _rank in choices]
        for option_id in counted:
            results[str(option_id)].direct += 1
            results[str(option_id)].delegated += extra
    keys = [str(o.pk) for o in options]
    rule = RULES[poll.kind]
    digest = hashlib.sha256(
        f"{rule}:{schulze.input_hash(keys, schulze_ballots)}".encode()
    ).hexdigest()
    schulze_result = None
    if poll.kind == Poll.Kind.RANKED:
        schulze_result = schulze.tally(keys, schulze_ballots)
        groups = [list(g) for g in schulze_result.ranking]
    else:
        totals = sorted({r.total for r in results.values()}, reverse=True)
        groups = [[k for k in keys if results[k].total == t] for t in totals]
    ranking = [[results[k] for k in group] for group in groups]
    place = 1
    for group in ranking:
        for r in group:
            r.place = place
        place += len(group)
    winners = ranking[0] if ranking and ballots else []
    return PollResults(
        poll=poll,
        rule=rule,
        at=at,
        options=[r for group in ranking for r in group],
        ranking=ranking,
        winners=winners,
        direct_voters=len(ballots),
        delegated_weight=sum(carried.values()),
        input_hash=digest,
        schulze=schulze_result,
        by_key=results,
    )


def latest_tally(poll: Poll) -> PollTally | None:
    return PollTally.objects.filter(poll=poll).order_by("-created_at", "-id").first()
