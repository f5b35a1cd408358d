"""Conversations in the HTTP API: /api/v1/conversations/ (read only, public).

Published conversations, their shown statements with vote counts, and the
latest opinion groups. Participants appear only by their number in the
conversation (as in Pol.is' open data), never by account. Unknown and
unpublished conversations are 404 with the reason.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Field, Router, Schema, Status

from . import selectors
from .models import Conversation

router = Router(tags=["conversations"])

# Schema names are unique in the whole API: OpenAPI components share one namespace
# (a second "ResultsOut" would replace the polls' one in the documentation).

NOT_FOUND = "No published conversation has this address."


class ErrorOut(Schema):
    detail: str | dict | list


class ConversationOut(Schema):
    slug: str
    url: str
    results_url: str
    topic: str
    description: str
    process: str | None  # the process's slug
    is_open: bool
    allow_anonymous: bool
    allow_statements: bool
    moderation: str  # pre | post
    min_votes: int
    statement_count: int  # shown statements
    participant_count: int
    created_at: dt.datetime
    source_url: str


class ConversationStatementOut(Schema):
    number: int
    text: str
    is_seed: bool
    created_at: dt.datetime
    agree: int
    disagree: int
    pass_: int = Field(alias="pass")
    total: int


class RepresentativeStatementOut(Schema):
    statement: int
    direction: str  # agree | disagree
    agree: int  # votes inside the group
    disagree: int
    pass_: int = Field(alias="pass")
    p: float  # share agreeing (or disagreeing) in the group, with Pol.is pseudo-counts
    p_rest: float  # the same among everyone else in groups
    ratio: float
    z: float
    z_rest: float


class OpinionGroupOut(Schema):
    label: int
    name: str  # "A", "B", ...
    size: int
    center: list[float]
    members: list[int]  # participant numbers in the conversation, not accounts
    representative: list[RepresentativeStatementOut]


class ConsensusStatementOut(Schema):
    statement: int
    direction: str
    score: float
    p_groups: dict[str, float]


class DivisiveStatementOut(Schema):
    statement: int
    spread: float
    p_groups: dict[str, float]


class ConversationResultsOut(Schema):
    conversation: str
    state: str  # grouped | not_enough_votes
    detail: str
    computed_at: dt.datetime | None
    participant_count: int
    grouped_count: int
    vote_count: int
    votes_since: int  # votes cast or changed since the computation
    votes_needed: int  # a participant's votes needed to be placed in a group
    silhouette: float | None
    input_hash: str | None
    groups: list[OpinionGroupOut]
    consensus: list[ConsensusStatementOut]
    divisive: list[DivisiveStatementOut]


def _url(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _conversation_out(request, c: Conversation) -> dict:
    return {
        "slug": c.slug,
        "url": _url(request, c.get_absolute_url()),
        "results_url": _url(request, reverse("opinions:results", args=[c.slug])),
        "topic": c.topic,
        "description": c.description,
        "process": c.process.slug if c.process_id else None,
        "is_open": c.is_open,
        "allow_anonymous": c.allow_anonymous,
        "allow_statements": c.allow_statements,
        "moderation": c.moderation,
        "min_votes": c.min_votes,
        "statement_count": c.statement_count,
        "participant_count": c.participant_count,
        "created_at": c.created_at,
        "source_url": c.source_url,
    }


def _not_found():
    return Status(404, {"detail": NOT_FOUND})


@router.get(
    "/",
    response={200: list[ConversationOut]},
    auth=None,
    summary="Published conversations, newest first (at most 200)",
)
def conversation_list(request):
    return [_conversation_out(request, c) for c in selectors.public_conversations()[:200]]


@router.get(
    "/{slug}",
    response={200: ConversationOut, 404: ErrorOut},
    auth=None,
    summary="One published conversation",
)
def conversation_detail(request, slug: str):
    conversation = selectors.public_conversation(slug)
    if conversation is None:
        return _not_found()
    return _conversation_out(request, conversation)


@router.get(
    "/{slug}/statements",
    response={200: list[ConversationStatementOut], 404: ErrorOut},
    by_alias=True,
    auth=None,
    summary="The statements people see, by number, with their agree / disagree / pass votes",
)
def conversation_statements(request, slug: str):
    conversation = selectors.public_conversation(slug)
    if conversation is None:
        return _not_found()
    return [
        {
            "number": s.number,
            "text": s.text,
            "is_seed": s.is_seed,
            "created_at": s.created_at,
            "agree": s.agree_count,
            "disagree": s.disagree_count,
            "pass": s.pass_count,
            "total": s.agree_count + s.disagree_count + s.pass_count,
        }
        for s in selectors.statements_with_counts(conversation)
    ]


@router.get(
    "/{slug}/results",
    response={200: ConversationResultsOut, 404: ErrorOut},
    by_alias=True,
    auth=None,
    summary="The latest opinion groups: sizes, members (by participant number), "
    "representative, consensus and divisive statements",
)
def conversation_results(request, slug: str):
    conversation = selectors.public_conversation(slug)
    if conversation is None:
        return _not_found()
    results = selectors.conversation_results(conversation)
    analysis = results.analysis
    if analysis is None or not results.has_groups:
        return {
            "conversation": conversation.slug,
            "state": "not_enough_votes",
            "detail": "Not enough votes yet to form opinion groups: they need at least "
            f"{results.participants_needed} participants with {results.votes_needed} votes "
            f"each, and {results.ready_count} have them.",
            "computed_at": analysis.computed_at if analysis else None,
            "participant_count": results.participant_count,
            "grouped_count": 0,
            "vote_count": results.vote_count,
            "votes_since": results.votes_since,
            "votes_needed": results.votes_needed,
            "silhouette": None,
            "input_hash": None,
            "groups": [],
            "consensus": [],
            "divisive": [],
        }
    result = analysis.result
    shown = selectors.shown_statement_numbers(conversation)
    return {
        "conversation": conversation.slug,
        "state": "grouped",
        "detail": f"{len(results.groups)} opinion groups.",
        "computed_at": analysis.computed_at,
        "participant_count": analysis.participant_count,
        "grouped_count": analysis.grouped_count,
        "vote_count": analysis.vote_count,
        "votes_since": results.votes_since,
        "votes_needed": results.votes_needed,
        "silhouette": analysis.silhouette,
        "input_hash": analysis.input_hash,
        "groups": [
            {
                "label": g["label"],
                "name": selectors.group_letter(g["label"]),
                "size": g["size"],
                "center": g.get("center") or [],
                "members": g.get("members", []),
                "representative": [
                    r for r in g.get("representative", []) if r["statement"] in shown
                ],
            }
            for g in sorted(result.get("groups", []), key=lambda g: g["label"])
        ],
        "consensus": [c for c in result.get("consensus", []) if c["statement"] in shown],
        "divisive": [d for d in result.get("divisive", []) if d["statement"] in shown],
    }
