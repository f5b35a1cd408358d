"""Tally rules: greedy by votes (Decidim, CONSUL, most Polish cities) and the
Method of Equal Shares (:mod:`.mes`), with one result shape for both.

``tally(instance, rule, **options) -> Outcome``; every project of the instance
gets a :class:`ProjectResult` whose ``reason`` is a stable code (listed in
``REASONS``) and whose ``detail`` holds the numbers a results page needs to say
why, as strings.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain

from .instance import Instance, PabulibError

RULES = ("greedy", "mes")

REASONS = {
    "funded": "fitted in the remaining budget, in order of score",
    "did_not_fit": "its cost was more than the budget left when its turn came",
    "below_threshold": "its score was below the minimum score a project needs",
    "greedy_stopped": "the greedy rule stopped at an earlier project that did not fit",
    "mes_funded": "its supporters paid for it with their equal shares",
    "mes_free": "it costs nothing and has supporters",
    "mes_supporters_short": "its supporters' remaining shares could not pay for it",
    "mes_no_supporters": "nobody voted for it",
    "mes_zero_satisfaction": "it costs nothing: with satisfaction by cost it pleases nobody",
    "completion_funded": "funded by the completion step from the budget left after equal shares",
}


@dataclass(frozen=True)
class ProjectResult:
    id: str
    selected: bool
    votes: int  # ballots naming the project
    score: int  # votes (approval, choose-1), points (cumulative), Borda points (ordinal)
    reason: str  # a key of REASONS
    round: int | None  # 1-based order of selection, None when not selected
    detail: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Outcome:
    rule: str
    options: dict  # the effective options, defaults filled in (enough to re-run)
    selected: list[str]  # project ids in order of selection
    projects: dict[str, ProjectResult]  # every project of the instance, in file order
    input_hash: str
    detail: Mapping[str, str] = field(default_factory=dict, hash=False)  # rule-wide figures


def _canonical_vote(vote, ordered: bool) -> str:
    if ordered:
        return ",".join(vote.projects)
    if vote.points:
        return ",".join(f"{p}:{n}" for p, n in sorted(zip(vote.projects, vote.points, strict=True)))
    return ",".join(sorted(vote.projects))


def input_hash(instance: Instance) -> str:
    """sha256 of what decides a tally: budget, vote type, the META entries the
    rules read, every project's id and cost, and the multiset of ballots (voter
    ids, names and other columns do not count). Hex string, 64 characters."""
    vote_type = instance.vote_type
    head = {
        "budget": instance.budget,
        "vote_type": vote_type,
        "meta": {
            key: instance.meta.get(key, "")
            for key in ("min_project_score_threshold", "max_length", "rule")
        },
        "projects": sorted([p.id, p.cost] for p in instance.projects.values()),
    }
    digest = hashlib.sha256()
    digest.update(json.dumps(head, separators=(",", ":"), ensure_ascii=False).encode())
    ordered = vote_type == "ordinal"
    ballots = sorted(_canonical_vote(v, ordered) for v in instance.votes)
    # one ballot a line (ids cannot hold a newline: the .pb rows are lines)
    digest.update(("\n" + "\n".join(ballots)).encode())
    return digest.hexdigest()


def satisfied_voter_share(instance: Instance, selected: Iterable[str]) -> float:
    """Share of ballots naming at least one selected project (0.0 when there are none)."""
    chosen = set(selected)
    if not instance.votes:
        return 0.0
    happy = sum(1 for vote in instance.votes if chosen.intersection(vote.projects))
    return happy / len(instance.votes)


def votes_and_scores(instance: Instance) -> tuple[dict[str, int], dict[str, int]]:
    """Ballots naming each project, and its score: points for cumulative ballots,
    Borda points for ordinal ones (``max_length`` minus the position, Pabulib's
    convention; the longest ballot when META has no max_length), votes otherwise."""
    votes = dict.fromkeys(instance.projects, 0)
    votes.update(Counter(chain.from_iterable(v.projects for v in instance.votes)))
    vote_type = instance.vote_type
    if vote_type not in ("ordinal", "cumulative", "scoring"):
        return votes, dict(votes)
    scores = dict.fromkeys(instance.projects, 0)
    length = None
    if vote_type == "ordinal":
        length = instance.meta_int("max_length") or max(
            (len(v.projects) for v in instance.votes), default=0
        )
    for vote in instance.votes:
        for position, project in enumerate(vote.projects):
            if vote.points:
                scores[project] += vote.points[position]
            elif length is not None:
                scores[project] += length - position
            else:
                scores[project] += 1
    return votes, scores


def _greedy(instance: Instance, *, threshold: int | None, no_skip: bool) -> Outcome:
    budget = instance.budget
    votes, scores = votes_and_scores(instance)
    # highest score first; equal scores in the order of the ids (as text),
    # which is pabutools' lexicographic tie-breaking
    order = sorted(instance.projects, key=lambda p: (-scores[p], p))
    remaining = budget
    selected: list[str] = []
    results: dict[str, ProjectResult] = {}
    stopped_at: str | None = None
    for project_id in order:
        cost = instance.projects[project_id].cost
        detail = {"cost": str(cost), "remaining_before": str(remaining)}
        base = {"id": project_id, "votes": votes[project_id], "score": scores[project_id]}
        if threshold is not None and scores[project_id] < threshold:
            detail["threshold"] = str(threshold)
            results[project_id] = ProjectResult(
                **base, selected=False, reason="below_threshold", round=None, detail=detail
            )
        elif stopped_at is not None:
            detail["stopped_at"] = stopped_at
            results[project_id] = ProjectResult(
                **base, selected=False, reason="greedy_stopped", round=None, detail=detail
            )
        elif cost <= remaining:
            remaining -= cost
            selected.append(project_id)
            detail["remaining_after"] = str(remaining)
            results[project_id] = ProjectResult(
                **base, selected=True, reason="funded", round=len(selected), detail=detail
            )
        else:
            # greedy-no-skip stops at the first project that does not fit in
            # what is left; one costing more than the whole budget could never
            # be funded and is passed over (Pabulib marks withdrawn projects so)
            if no_skip and cost <= budget:
                stopped_at = project_id
            results[project_id] = ProjectResult(
                **base, selected=False, reason="did_not_fit", round=None, detail=detail
            )
    options = {"threshold": threshold, "no_skip": no_skip}
    return Outcome(
        rule="greedy",
        options=options,
        selected=selected,
        projects={p: results[p] for p in instance.projects},
        input_hash=input_hash(instance),
        detail={"budget": str(budget), "spent": str(budget - remaining)},
    )


def tally(instance: Instance, rule: str, **options) -> Outcome:
    """Run ``rule`` ("greedy" or "mes") on the instance.

    greedy options: ``threshold`` (minimum score; default META
    ``min_project_score_threshold``), ``no_skip`` (stop at the first project that
    does not fit; default: META rule is ``greedy-no-skip``).

    mes options: see :func:`wegov.budgeting.pb.mes.equal_shares`.
    """
    if rule == "greedy":
        unknown = set(options) - {"threshold", "no_skip"}
        if unknown:
            raise TypeError(f"unknown greedy options: {', '.join(sorted(unknown))}")
        threshold = options.get("threshold", instance.meta_int("min_project_score_threshold"))
        no_skip = options.get("no_skip", instance.meta.get("rule", "") == "greedy-no-skip")
        return _greedy(instance, threshold=threshold, no_skip=bool(no_skip))
    if rule == "mes":
        from .mes import equal_shares

        return equal_shares(instance, **options)
    raise PabulibError(f"unknown rule {rule!r}: use one of {', '.join(RULES)}")
