"""Polls in the HTTP API: /api/v1/voting/.

Reading published polls is public; results follow the poll's setting (live,
or once closed). Voting and delegating need a session (with CSRF) or an API
token and follow the same rules as the pages: 401 without log-in, 403 with the
reason (closed poll, wrong phase, blocked account, ...), 400 with the reason
for a bad ballot or a refused delegation (a circle), 404 for what the public
cannot see.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from wegov.accounts.models import User
from wegov.api.auth import session_auth, token_auth
from wegov.processes.models import Process

from . import selectors, services
from .models import Poll

WRITE_AUTH = [session_auth, token_auth]

router = Router(tags=["voting"])


class ErrorOut(Schema):
    detail: str | dict | list


class OptionOut(Schema):
    id: int
    label: str


class PollOut(Schema):
    id: int
    url: str
    process: str  # the process's slug
    title: str
    description: str
    kind: str  # single | approval | ranked
    max_choices: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime
    state: str  # upcoming | open | closed
    results_visibility: str  # live | after_close
    options: list[OptionOut]


class ListParams(Schema):
    process: str | None = None  # a process slug


def _out(poll: Poll) -> dict:
    return {
        "id": poll.pk,
        "url": poll.get_absolute_url(),
        "process": poll.process.slug,
        "title": poll.title,
        "description": poll.description,
        "kind": poll.kind,
        "max_choices": poll.max_choices,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "state": poll.state(),
        "results_visibility": poll.results_visibility,
        "options": [{"id": o.pk, "label": o.label} for o in poll.options.all()],
    }


def _public_poll(poll_id: int) -> Poll:
    poll = selectors.public_polls().filter(pk=poll_id).first()
    if poll is None:
        raise Http404
    return poll


@router.get(
    "/polls",
    response={200: list[PollOut], 404: ErrorOut},
    auth=None,
    summary="Published polls (of one process with ?process=slug), newest first",
)
def list_polls(request, params: Query[ListParams]):
    polls = selectors.public_polls()
    if params.process:
        process = Process.objects.published().filter(slug=params.process).first()
        if process is None:
            raise Http404
        polls = polls.filter(process=process)
    return [_out(p) for p in polls.order_by("-opens_at", "-id")[:200]]


@router.get(
    "/polls/{int:poll_id}",
    response={200: PollOut, 404: ErrorOut},
    auth=None,
    summary="One published poll with its options",
)
def get_poll(request, poll_id: int):
    return _out(_public_poll(poll_id))


class VoteIn(Schema):
    choices: list[int] | None = Field(
        None, description="Single and approval polls: the chosen option ids."
    )
    ranks: dict[int, int] | None = Field(
        None,
        description="Ranked polls: {option id: rank}, 1 = best; equal ranks tie; "
        "options left out rank below all ranked ones.",
    )


class VoteOut(Schema):
    poll: int
    choices: list[int]
    ranks: dict[int, int]
    cast_at: dt.datetime
    changed_at: dt.datetime


def _vote_out(vote) -> dict:
    choices = list(vote.choices.order_by("rank", "option_id"))
    return {
        "poll": vote.poll_id,
        "choices": [c.option_id for c in choices],
        "ranks": {c.option_id: c.rank for c in choices if c.rank},
        "cast_at": vote.created_at,
        "changed_at": vote.updated_at,
    }


@router.get(
    "/polls/{int:poll_id}/vote",
    response={200: VoteOut, 401: ErrorOut, 404: ErrorOut},
    auth=WRITE_AUTH,
    summary="My vote on a poll (404 when I have not voted)",
)
def my_vote(request, poll_id: int):
    vote = selectors.vote_of(_public_poll(poll_id), request.auth)
    if vote is None:
        raise Http404
    return _vote_out(vote)


@router.put(
    "/polls/{int:poll_id}/vote",
    response={200: VoteOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=WRITE_AUTH,
    summary="Cast or change my vote (until the poll closes)",
)
def cast_vote(request, poll_id: int, data: VoteIn):
    poll = _public_poll(poll_id)
    try:
        vote = services.vote_cast(
            actor=request.auth, poll=poll, choices=data.choices, ranks=data.ranks
        )
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Permission denied."})
    return _vote_out(vote)


@router.delete(
    "/polls/{int:poll_id}/vote",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=WRITE_AUTH,
    summary="Withdraw my vote (while the poll is open)",
)
def withdraw_vote(request, poll_id: int):
    poll = _public_poll(poll_id)
    try:
        had = services.vote_withdraw(actor=request.auth, poll=poll)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Permission denied."})
    if not had:
        raise Http404
    return Status(204, None)


class OptionResultOut(Schema):
    id: int
    label: str
    place: int
    direct: int
    delegated: int
    total: int


class ResultsOut(Schema):
    poll: int
    rule: str
    final: bool  # the poll has closed
    winners: list[int]
    tie: bool
    ranking: list[list[int]]  # groups of tied option ids, best first
    options: list[OptionResultOut]
    direct_voters: int
    delegated_weight: int
    input_hash: str
    pairwise: dict[str, dict[str, int]] | None = None  # ranked: d[x][y] by option id
    strengths: dict[str, dict[str, int]] | None = None  # ranked: strongest paths


@router.get(
    "/polls/{int:poll_id}/results",
    response={200: ResultsOut, 403: ErrorOut, 404: ErrorOut},
    auth=None,
    summary="Results: winners, full ranking with ties, direct and delegated weights",
)
def poll_results(request, poll_id: int):
    poll = _public_poll(poll_id)
    if not request.user.has_perm("voting.view_results", poll):
        return Status(
            403,
            {
                "detail": "The results are shown once the poll opens."
                if poll.results_visibility == Poll.Results.LIVE
                else "The results are shown once the poll has closed."
            },
        )
    results = selectors.poll_results(poll)
    outcome = results.outcome()
    return {
        "poll": poll.pk,
        "rule": results.rule,
        "final": poll.is_closed,
        "winners": [r.option.pk for r in results.winners],
        "tie": results.is_tie,
        "ranking": [[r.option.pk for r in group] for group in results.ranking],
        "options": [
            {
                "id": r.option.pk,
                "label": r.option.label,
                "place": r.place,
                "direct": r.direct,
                "delegated": r.delegated,
                "total": r.total,
            }
            for r in results.options
        ],
        "direct_voters": results.direct_voters,
        "delegated_weight": results.delegated_weight,
        "input_hash": results.input_hash,
        "pairwise": outcome.get("pairwise"),
        "strengths": outcome.get("strengths"),
    }


class DelegationOut(Schema):
    process: str
    delegate: str | None  # display name; null when I do not delegate
    delegate_id: int | None
    chain: list[str]
    delegators: list[str]
    weight: int


class DelegationIn(Schema):
    delegate_id: int


def _delegation_process(slug: str) -> Process:
    process = Process.objects.published().filter(slug=slug).first()
    if process is None or not selectors.delegation_enabled(process):
        raise Http404
    return process


def _delegation_out(process, user) -> dict:
    current = selectors.current_delegation(process, user)
    return {
        "process": process.slug,
        "delegate": current.delegate.public_name if current else None,
        "delegate_id": current.delegate_id if current else None,
        "chain": [p.public_name for p in selectors.delegation_chain(process, user)],
        "delegators": [p.public_name for p in selectors.delegators_of(process, user)],
        "weight": selectors.total_weight(process, user),
    }


@router.get(
    "/processes/{slug}/delegation",
    response={200: DelegationOut, 401: ErrorOut, 404: ErrorOut},
    auth=WRITE_AUTH,
    summary="My delegation in a process, who delegates to me and my weight",
)
def my_delegation(request, slug: str):
    process = _delegation_process(slug)
    return _delegation_out(process, request.auth)


@router.put(
    "/processes/{slug}/delegation",
    response={200: DelegationOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=WRITE_AUTH,
    summary="Delegate my vote in a process (circles are refused)",
)
def set_delegation(request, slug: str, data: DelegationIn):
    process = _delegation_process(slug)
    delegate = User.objects.filter(pk=data.delegate_id).first()
    if delegate is None:
        raise ValidationError({"delegate": "There is no such participant."})
    try:
        services.delegation_set(actor=request.auth, process=process, delegate=delegate)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Permission denied."})
    return _delegation_out(process, request.auth)


@router.delete(
    "/processes/{slug}/delegation",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=WRITE_AUTH,
    summary="Revoke my delegation in a process",
)
def revoke_delegation(request, slug: str):
    process = _delegation_process(slug)
    try:
        had = services.delegation_revoke(actor=request.auth, process=process)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Permission denied."})
    if not had:
        raise Http404
    return Status(204, None)
