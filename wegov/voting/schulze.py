"""The Schulze method, in plain Python (no Django).

Ballots are weak orders: a sequence of groups, best first, each group a set of
options the voter ranks equal. Options a ballot leaves out rank equal to each
other and below every option it ranks. Each ballot carries a weight (1 for a
person voting only for themselves; more when others delegated to them).

``tally(options, ballots)`` returns a ``SchulzeResult`` with everything a
results page shows: the pairwise preference matrix ``d[x][y]`` (weight of
voters who prefer x to y), the strongest path strengths ``p[x][y]`` (widest
path, Floyd-Warshall), the winners (options nobody beats by a stronger path)
and the full ranking, in groups of tied options: x ranks above y when
p[x][y] > p[y][x] (Schulze proves this relation is transitive), peeled off
in groups of the options that nobody left beats.

Link strength is "winning votes": d[x][y] counts when d[x][y] > d[y][x].
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Group = Iterable[str]


@dataclass(frozen=True)
class Ballot:
    """A weak order of options, best first; ``weight`` counts the voters it stands for."""

    groups: tuple[frozenset[str], ...]
    weight: int = 1

    @classmethod
    def of(cls, groups: Sequence[Group | str], weight: int = 1) -> Ballot:
        """``Ballot.of(["A", ["B", "C"], "D"])``: A first, B and C tied, then D."""
        out = []
        for group in groups:
            members = frozenset([group] if isinstance(group, str) else group)
            if members:
                out.append(members)
        return cls(tuple(out), weight)


@dataclass(frozen=True)
class SchulzeResult:
    options: tuple[str, ...]
    # d[x][y]: total weight of ballots ranking x above y.
    pairwise: dict[str, dict[str, int]]
    # p[x][y]: strength of the strongest path from x to y (0: none).
    strengths: dict[str, dict[str, int]]
    winners: tuple[str, ...]
    # Groups of tied options, best first.
    ranking: tuple[tuple[str, ...], ...]
    total_weight: int

    @property
    def is_tie(self) -> bool:
        return len(self.winners) != 1

    def beats(self, x: str, y: str) -> bool:
        return self.strengths[x][y] > self.strengths[y][x]

    def as_dict(self) -> dict:
        """JSON-ready, with keys in a stable order."""
        return {
            "options": list(self.options),
            "pairwise": {x: dict(self.pairwise[x]) for x in self.options},
            "strengths": {x: dict(self.strengths[x]) for x in self.options},
            "winners": list(self.winners),
            "ranking": [list(group) for group in self.ranking],
            "total_weight": self.total_weight,
        }


def _check(options: Sequence[str], ballots: Iterable[Ballot]) -> list[Ballot]:
    if len(set(options)) != len(options):
        raise ValueError("Options must be distinct.")
    known = set(options)
    checked = []
    for ballot in ballots:
        if ballot.weight < 0:
            raise ValueError("A ballot's weight cannot be negative.")
        seen: set[str] = set()
        for group in ballot.groups:
            unknown = group - known
            if unknown:
                raise ValueError(f"Unknown options on a ballot: {sorted(unknown)}")
            if group & seen:
                raise ValueError(f"An option is ranked twice: {sorted(group & seen)}")
            seen |= group
        checked.append(ballot)
    return checked


def pairwise_matrix(options: Sequence[str], ballots: Iterable[Ballot]) -> dict[str, dict[str, int]]:
    """d[x][y] = total weight of ballots preferring x to y (unranked options last)."""
    options = list(options)
    ballots = _check(options, ballots)
    index = {o: i for i, o in enumerate(options)}
    n = len(options)
    d = [[0] * n for _ in range(n)]
    for ballot in ballots:
        if not ballot.weight or not ballot.groups:
            continue
        level = [len(ballot.groups)] * n  # unranked: below every ranked group
        for rank, group in enumerate(ballot.groups):
            for option in group:
                level[index[option]] = rank
        w = ballot.weight
        for i in range(n):
            li = level[i]
            row = d[i]
            for j in range(n):
                if li < level[j]:
                    row[j] += w
    return {x: {y: d[i][j] for j, y in enumerate(options) if j != i} for i, x in enumerate(options)}


def strongest_paths(
    options: Sequence[str], d: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, int]]:
    """p[x][y], the widest path from x to y over links d[a][b] > d[b][a]."""
    options = list(options)
    n = len(options)
    p = [[0] * n for _ in range(n)]
    for i, x in enumerate(options):
        for j, y in enumerate(options):
            if i != j and d[x][y] > d[y][x]:
                p[i][j] = d[x][y]
    for k in range(n):
        pk = p[k]
        for i in range(n):
            if i == k:
                continue
            pik = p[i][k]
            if not pik:
                continue
            pi = p[i]
            for j in range(n):
                if j != i and j != k:
                    via = pik if pik < pk[j] else pk[j]
                    if via > pi[j]:
                        pi[j] = via
    return {x: {y: p[i][j] for j, y in enumerate(options) if j != i} for i, x in enumerate(options)}


def ranking(
    options: Sequence[str], p: Mapping[str, Mapping[str, int]]
) -> tuple[tuple[str, ...], ...]:
    """Options in groups of ties, best first.

    x is above y when p[x][y] > p[y][x]: a transitive relation (Schulze 2011,
    section 4.1). The first group is the winners (beaten by nobody); the next
    is those beaten by nobody among the rest, and so on, so every option ranks
    below all options that beat it. Within a group, options keep the order given.
    """
    remaining = list(options)
    groups = []
    while remaining:
        top = tuple(x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining if y != x))
        groups.append(top)
        remaining = [x for x in remaining if x not in top]
    return tuple(groups)


def tally(options: Sequence[str], ballots: Iterable[Ballot]) -> SchulzeResult:
    options = tuple(options)
    ballots = _check(options, ballots)
    d = pairwise_matrix(options, ballots)
    p = strongest_paths(options, d)
    winners = tuple(x for x in options if all(p[x][y] >= p[y][x] for y in options if y != x))
    order = ranking(options, p) if options else ()
    return SchulzeResult(
        options=options,
        pairwise=d,
        strengths=p,
        winners=winners,
        ranking=order,
        total_weight=sum(b.weight for b in ballots),
    )


def input_hash(options: Sequence[str], ballots: Iterable[Ballot]) -> str:
    """sha256 of a canonical form: same options and the same multiset of
    (ballot, weight) give the same hash, whatever the order of ballots or of
    options inside a tied group."""
    canonical = sorted(
        json.dumps([[sorted(group) for group in b.groups], b.weight]) for b in ballots
    )
    payload = json.dumps({"options": list(options), "ballots": canonical}, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()
