"""Seeded random instances: small tie-prone ones for the tests, large ones for
the bench. Same seed, same instance."""

from __future__ import annotations

import random

import numpy as np

from .instance import Instance, Project, Vote


def small_instance(seed: int, vote_type: str = "approval") -> Instance:
    """2-8 projects and 1-25 voters with few distinct costs (many ties), some
    projects over the budget, now and then a free project, an empty ballot or
    two voters with the same ballot."""
    rng = random.Random(seed)
    budget = rng.choice([60, 100, 150, 240])
    costs = [rng.choice([0, 10, 20, 20, 30, 50, 50, 60, budget + 10]) for _ in range(8)]
    if rng.random() < 0.7:
        costs = [c or 10 for c in costs]
    projects = {f"p{k}": Project(f"p{k}", costs[k]) for k in range(rng.randint(2, 8))}
    ids = list(projects)
    votes: list[Vote] = []
    for voter in range(rng.randint(1, 25)):
        if votes and rng.random() < 0.2:
            chosen = list(votes[-1].projects)
        else:
            chosen = rng.sample(ids, rng.randint(0 if rng.random() < 0.05 else 1, len(ids)))
        if vote_type == "choose-1":
            chosen = chosen[:1] or [ids[0]]
        points: tuple[int, ...] = ()
        if vote_type == "cumulative":
            chosen = chosen or [ids[0]]
            points = tuple(rng.randint(1, 4) for _ in chosen)
        votes.append(Vote(f"v{voter}", tuple(chosen), points))
    meta = {"budget": str(budget), "vote_type": vote_type}
    return Instance(meta=meta, projects=projects, votes=votes)


def large_instance(
    seed: int = 2026, voters: int = 100_000, projects: int = 200, budget: int = 10_000_000
) -> Instance:
    """An approval election shaped like a city's: project costs from 0.5 % to
    12 % of the budget (rounded to 100), popularity from 0.15 % to 15 % of the
    voters, each voter approving at least one project."""
    rng = np.random.default_rng(seed)
    costs = (rng.uniform(0.005, 0.12, projects) * budget // 100 * 100).astype(int)
    popularity = 0.15 * rng.uniform(0.1, 1.0, projects) ** 2
    ids = [str(1000 + k) for k in range(projects)]
    votes: list[Vote] = []
    chunk = 10_000
    for start in range(0, voters, chunk):
        size = min(chunk, voters - start)
        approves = rng.random((size, projects)) < popularity
        empty = ~approves.any(axis=1)
        approves[empty, rng.integers(0, projects, int(empty.sum()))] = True
        for row, line in enumerate(approves):
            chosen = tuple(ids[k] for k in np.flatnonzero(line))
            votes.append(Vote(str(start + row + 1), chosen))
    meta = {
        "description": f"synthetic approval election, seed {seed}",
        "num_projects": str(projects),
        "num_votes": str(voters),
        "budget": str(budget),
        "vote_type": "approval",
        "rule": "equalshares",
        "currency": "EUR",
    }
    return Instance(
        meta=meta,
        projects={pid: Project(pid, int(cost)) for pid, cost in zip(ids, costs, strict=True)},
        votes=votes,
    )
