"""Conversations with votes and a believable ``OpinionAnalysis`` for the results tests.

Until the maths (``opinions.analysis``) computes real analyses, these build the
result JSON of the analysis contract from votes they cast themselves: each
group agrees with its own statements and disagrees with the others', and every
group agrees with the first statement and disagrees with the second, so there
are representative, consensus and divisive statements to show. The figures
(counts, shares with Pol.is pseudo-counts, ratios, z-scores) are computed from
those votes, so a page that shows them can be checked against the database.
"""

from __future__ import annotations

import math
import random

import factory
from django.utils import timezone

from wegov.opinions.models import Conversation, OpinionAnalysis, Participant, Statement, Vote

STATEMENTS = [
    "Cars should stay out of the centre on Saturdays.",
    "Parking fees in the centre are too high.",
    "The market square should become a park.",
    "Delivery vans need their own hours in the morning.",
    "Buses should run every ten minutes in the evening.",
    "Cycling lanes should be separated from the road.",
    "Shops in the centre would lose customers without cars.",
    "The city should ask residents of each street separately.",
]


class ConversationFactory(factory.django.DjangoModelFactory):
    """A published, open conversation without a process."""

    class Meta:
        model = Conversation

    slug = factory.Sequence(lambda n: f"car-free-centre-{n}")
    topic = factory.Sequence(lambda n: f"A car-free city centre? {n}")
    description = "Should the city centre be closed to cars, and when?"
    is_published = True
    is_open = True
    allow_anonymous = True


def add_statements(conversation, texts=STATEMENTS, *, first_number: int = 1) -> list[Statement]:
    return Statement.objects.bulk_create(
        Statement(
            conversation=conversation,
            number=first_number + i,
            text=text,
            is_seed=True,
            state=Statement.State.ACCEPTED,
        )
        for i, text in enumerate(texts)
    )


def _share(count: int, total: int) -> float:
    """Pol.is' share with pseudo-counts: (n + 1) / (N + 2)."""
    return (count + 1) / (total + 2)


def _z_prop(p: float, n: int) -> float:
    return 2 * math.sqrt(n) * (p - 0.5) if n else 0.0


def _tally(values) -> dict:
    return {
        "agree": sum(1 for v in values if v == 1),
        "disagree": sum(1 for v in values if v == -1),
        "pass": sum(1 for v in values if v == 0),
    }


def build_result(
    votes: dict[int, dict[int, int]],
    membership: dict[int, int],
    points: dict[int, tuple[float, float]],
    *,
    min_votes: int = 7,
) -> dict:
    """The analysis contract's JSON from ``votes`` {participant: {statement: value}}.

    ``membership`` maps grouped participants to labels, ``points`` to (x, y).
    """
    labels = sorted(set(membership.values()))
    statement_numbers = sorted({s for row in votes.values() for s in row})
    statements = {}
    for s in statement_numbers:
        all_values = [row[s] for row in votes.values() if s in row]
        entry = _tally(all_values)
        entry["groups"] = {
            str(g): _tally(
                [votes[p][s] for p, label in membership.items() if label == g and s in votes[p]]
            )
            for g in labels
        }
        statements[str(s)] = entry

    groups = []
    for g in labels:
        members = sorted(p for p, label in membership.items() if label == g)
        candidates = []
        for s in statement_numbers:
            mine = statements[str(s)]["groups"][str(g)]
            rest = {
                key: sum(statements[str(s)]["groups"][str(o)][key] for o in labels if o != g)
                for key in ("agree", "disagree", "pass")
            }
            n_mine = sum(mine.values())
            n_rest = sum(rest.values())
            for direction in ("agree", "disagree"):
                p = _share(mine[direction], n_mine)
                p_rest = _share(rest[direction], n_rest)
                ratio = p / p_rest
                if p > 0.5 and ratio > 1.2:
                    candidates.append(
                        {
                            "statement": s,
                            "direction": direction,
                            **mine,
                            "p": round(p, 4),
                            "p_rest": round(p_rest, 4),
                            "ratio": round(ratio, 4),
                            "z": round(_z_prop(p, n_mine), 4),
                            "z_rest": round(2 * math.sqrt(n_mine) * (p - p_rest), 4),
                        }
                    )
        candidates.sort(key=lambda c: -c["ratio"] * c["p"])
        xs = [points[m][0] for m in members]
        ys = [points[m][1] for m in members]
        groups.append(
            {
                "label": g,
                "size": len(members),
                "center": [round(sum(xs) / len(xs), 4), round(sum(ys) / len(ys), 4)],
                "members": members,
                "representative": candidates[:5],
            }
        )

    consensus, divisive = [], []
    for s in statement_numbers:
        per_group = statements[str(s)]["groups"]
        for direction in ("agree", "disagree"):
            p_groups = {
                str(g): round(
                    _share(per_group[str(g)][direction], sum(per_group[str(g)].values())), 4
                )
                for g in labels
            }
            if all(p > 0.6 for p in p_groups.values()):
                score = math.prod(p_groups.values())
                consensus.append(
                    {
                        "statement": s,
                        "direction": direction,
                        "score": round(score, 4),
                        "p_groups": p_groups,
                    }
                )
        agree = {
            str(g): round(_share(per_group[str(g)]["agree"], sum(per_group[str(g)].values())), 4)
            for g in labels
        }
        spread = max(agree.values()) - min(agree.values())
        if spread > 0.4:
            divisive.append({"statement": s, "spread": round(spread, 4), "p_groups": agree})
    consensus.sort(key=lambda c: -c["score"])
    divisive.sort(key=lambda d: -d["spread"])
    return {
        "version": 1,
        "parameters": {"min_votes": min_votes, "k_min": 2, "k_max": 5, "seed": 0},
        "explained_variance": [0.31, 0.12],
        "groups": groups,
        "points": [
            [p, round(points[p][0], 4), round(points[p][1], 4), membership[p]]
            for p in sorted(membership)
        ],
        "consensus": consensus,
        "divisive": divisive,
        "statements": statements,
    }


def make_conversation_with_groups(
    conversation=None,
    *,
    sizes=(12, 8),
    statements: int = 6,
    seed: int = 7,
    ungrouped: int = 0,
    users=(),
    browser_keys=(),
) -> tuple[Conversation, OpinionAnalysis]:
    """A conversation whose participants vote in ``len(sizes)`` camps, and its analysis.

    Participants are numbered from 1, group after group; ``users`` and
    ``browser_keys`` go to the first participants in order. ``ungrouped``
    more participants vote on one statement only (too few to be grouped).
    """
    conversation = conversation or ConversationFactory()
    shown = list(Statement.objects.filter(conversation=conversation).shown().order_by("number"))
    if not shown:
        shown = add_statements(conversation, STATEMENTS[:statements])
    rng = random.Random(seed)
    identities = [{"user": u} for u in users] + [{"browser_key": k} for k in browser_keys]
    total = sum(sizes) + ungrouped
    participants = Participant.objects.bulk_create(
        Participant(
            conversation=conversation,
            number=n,
            **(identities[n - 1] if n <= len(identities) else {}),
        )
        for n in range(1, total + 1)
    )
    by_number = {p.number: p for p in participants}
    k = len(sizes)
    votes: dict[int, dict[int, int]] = {}
    membership: dict[int, int] = {}
    points: dict[int, tuple[float, float]] = {}
    number = 0
    for g, size in enumerate(sizes, start=1):
        angle = 2 * math.pi * (g - 1) / k
        cx, cy = 2 * math.cos(angle), 2 * math.sin(angle)
        for _ in range(size):
            number += 1
            row = {}
            for i, statement in enumerate(shown):
                if i == 0:
                    value = 1 if rng.random() < 0.85 else 0
                elif i == 1:
                    value = -1 if rng.random() < 0.8 else 0
                elif (i - 2) % k == g - 1:
                    value = 1 if rng.random() < 0.9 else 0
                else:
                    value = -1 if rng.random() < 0.75 else 1
                row[statement.number] = value
            votes[number] = row
            membership[number] = g
            points[number] = (cx + rng.gauss(0, 0.4), cy + rng.gauss(0, 0.4))
    for _ in range(ungrouped):
        number += 1
        votes[number] = {shown[0].number: 1}
    statement_by_number = {s.number: s for s in shown}
    Vote.objects.bulk_create(
        Vote(
            conversation=conversation,
            participant=by_number[p],
            statement=statement_by_number[s],
            value=value,
        )
        for p, row in votes.items()
        for s, value in row.items()
    )
    result = build_result(votes, membership, points, min_votes=conversation.min_votes)
    analysis = store_analysis(
        conversation,
        result,
        vote_count=sum(len(r) for r in votes.values()),
        participant_count=len(votes),
    )
    return conversation, analysis


def store_analysis(
    conversation, result: dict, *, vote_count: int = 0, participant_count=None, computed_at=None
) -> OpinionAnalysis:
    grouped = sum(g["size"] for g in result["groups"])
    return OpinionAnalysis.objects.create(
        conversation=conversation,
        computed_at=computed_at or timezone.now(),
        vote_count=vote_count,
        participant_count=participant_count if participant_count is not None else grouped,
        grouped_count=grouped,
        group_count=len(result["groups"]),
        silhouette=0.42,
        input_hash="0" * 64,
        seconds=0.01,
        result=result,
    )


def large_result(participants: int = 20_000, groups: int = 3, seed: int = 1) -> dict:
    """A result JSON for a big conversation (points only; no rows in the database)."""
    rng = random.Random(seed)
    points = []
    for n in range(1, participants + 1):
        g = 1 + n % groups
        angle = 2 * math.pi * (g - 1) / groups
        points.append(
            [
                n,
                round(2 * math.cos(angle) + rng.gauss(0, 0.5), 4),
                round(2 * math.sin(angle) + rng.gauss(0, 0.5), 4),
                g,
            ]
        )
    result = {
        "version": 1,
        "parameters": {"min_votes": 7, "k_min": 2, "k_max": 5, "seed": 0},
        "explained_variance": [0.3, 0.1],
        "groups": [],
        "points": points,
        "consensus": [],
        "divisive": [],
        "statements": {},
    }
    for g in range(1, groups + 1):
        members = [p[0] for p in points if p[3] == g]
        xs = [p[1] for p in points if p[3] == g]
        ys = [p[2] for p in points if p[3] == g]
        result["groups"].append(
            {
                "label": g,
                "size": len(members),
                "members": members,
                "center": [sum(xs) / len(xs), sum(ys) / len(ys)],
                "representative": [],
            }
        )
    return result
