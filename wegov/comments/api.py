"""Comments over HTTP: /api/v1/comments/.

GET lists a contribution's comments (top-level comments paginated, replies
nested); anyone may read. Writing needs a session or a personal API token.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from wegov.api.auth import session_token_or_anyone
from wegov.core.models import public_hidden_reason

from . import selectors, services
from .models import Comment
from .text import profile_url

router = Router(tags=["comments"])


READ_AUTH = session_token_or_anyone


class ErrorOut(Schema):
    detail: str | dict | list


class AuthorOut(Schema):
    id: UUID | None
    name: str
    profile_url: str


class CommentOut(Schema):
    id: int
    kind: str
    object_id: int
    parent_id: int | None
    depth: int
    author: AuthorOut | None
    body: str | None = Field(description="None when the comment is deleted or hidden.")
    stance: str
    upvotes: int
    downvotes: int
    your_vote: int
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted: bool
    hidden: bool
    hidden_reason: str
    url: str
    replies: list[CommentOut] = []


CommentOut.model_rebuild()


class ThreadOut(Schema):
    kind: str
    object_id: int
    count: int = Field(description="Visible comments, replies included.")
    stance_counts: dict[str, int]
    page: int
    pages: int
    per_page: int
    top_level_count: int
    results: list[CommentOut]


class ThreadQuery(Schema):
    kind: str = Field(max_length=40)
    id: int = Field(ge=1)
    sort: Literal["best", "newest", "oldest"] = "best"
    stance: Literal["for", "against", "neutral"] | None = None
    page: int = Field(1, ge=1)


class CommentIn(Schema):
    kind: str = Field(max_length=40)
    id: int = Field(ge=1)
    body: str = Field(max_length=10_000)
    stance: str = ""
    parent: int | None = None


class CommentEditIn(Schema):
    body: str = Field(max_length=10_000)
    stance: str | None = None


class VoteIn(Schema):
    value: Literal[-1, 0, 1]


class VoteOut(Schema):
    id: int
    upvotes: int
    downvotes: int
    your_vote: int


def _author(comment: Comment) -> dict | None:
    if comment.author is None:
        return None
    author = comment.author
    erased = bool(author.erased_at)
    return {
        "id": None if erased else author.public_id,
        "name": author.public_name,
        "profile_url": "" if erased else profile_url(author.public_id),
    }


def _out(comment: Comment, *, base_url: str, your_vote: int = 0, replies=()) -> dict:
    visible = comment.is_visible
    return {
        "id": comment.pk,
        "kind": comment.target_kind,
        "object_id": comment.target_id,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": _author(comment) if visible else None,
        "body": comment.body if visible else None,
        "stance": comment.stance if visible else "",
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "your_vote": your_vote,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at if visible else None,
        "deleted": comment.is_deleted,
        "hidden": comment.is_hidden,
        "hidden_reason": public_hidden_reason(comment.hidden_reason) if comment.is_hidden else "",
        "url": f"{base_url}#{comment.anchor}",
        "replies": list(replies),
    }


def _node_out(node: selectors.Node, base_url: str) -> dict:
    return _out(
        node.comment,
        base_url=base_url,
        your_vote=node.your_vote,
        replies=[_node_out(r, base_url) for r in node.replies],
    )


def _refused(exc: PermissionDenied):
    return Status(403, {"detail": str(exc) or "Permission denied."})


def _comment_or_404(comment_id: int) -> Comment:
    comment = selectors.comment_for_page(comment_id)
    if comment is None:
        raise Http404
    try:
        kind, target = selectors.target_of(comment)
    except LookupError as exc:
        raise Http404 from exc
    if kind.is_hidden(target):
        raise Http404
    return comment


@router.get(
    "/",
    response={200: ThreadOut, 404: ErrorOut, 422: ErrorOut},
    auth=READ_AUTH,
    summary="A contribution's comments: top-level comments paginated, replies nested",
)
def list_comments(request, query: Query[ThreadQuery]):
    try:
        kind, target = selectors.visible_target(query.kind, query.id)
    except LookupError as exc:
        raise Http404 from exc
    viewer = request.auth if getattr(request.auth, "is_authenticated", False) else None
    thread = selectors.thread(
        kind.kind,
        target.pk,
        sort=query.sort,
        stance=query.stance,
        viewer=viewer,
        page=query.page,
        stances=kind.comment_stances,
    )
    if query.page > thread.page.paginator.num_pages:
        raise Http404
    base_url = kind.present(target).url
    page = thread.page
    return {
        "kind": kind.kind,
        "object_id": target.pk,
        "count": thread.count,
        "stance_counts": thread.stance_counts,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "per_page": page.paginator.per_page,
        "top_level_count": page.paginator.count,
        "results": [_node_out(node, base_url) for node in thread.nodes],
    }


@router.post(
    "/",
    response={201: CommentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Comment on a contribution, or reply to a comment (parent)",
)
def create_comment(request, payload: CommentIn):
    try:
        kind, target = selectors.visible_target(payload.kind, payload.id)
    except LookupError as exc:
        raise Http404 from exc
    parent = None
    if payload.parent is not None:
        parent = selectors.comment_for_page(payload.parent)
        if parent is None:
            raise ValidationError({"parent": "The comment you reply to does not exist."})
    try:
        comment = services.comment_create(
            actor=request.auth,
            target=target,
            body=payload.body,
            stance=payload.stance,
            parent=parent,
        )
    except PermissionDenied as exc:
        return _refused(exc)
    return Status(201, _out(comment, base_url=kind.present(target).url))


@router.patch(
    "/{comment_id}",
    response={200: CommentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Edit your comment (the previous text is kept as a version)",
)
def edit_comment(request, comment_id: int, payload: CommentEditIn):
    comment = _comment_or_404(comment_id)
    try:
        comment = services.comment_edit(
            actor=request.auth, comment=comment, body=payload.body, stance=payload.stance
        )
    except PermissionDenied as exc:
        return _refused(exc)
    kind, target = selectors.target_of(comment)
    return _out(comment, base_url=kind.present(target).url)


@router.delete(
    "/{comment_id}",
    response={200: CommentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Delete your comment (the text goes, replies stay)",
)
def delete_comment(request, comment_id: int):
    comment = _comment_or_404(comment_id)
    try:
        comment = services.comment_delete(actor=request.auth, comment=comment)
    except PermissionDenied as exc:
        return _refused(exc)
    kind, target = selectors.target_of(comment)
    return _out(comment, base_url=kind.present(target).url)


@router.post(
    "/{comment_id}/vote",
    response={200: VoteOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Vote a comment up (1), down (-1), or take your vote back (0)",
)
def vote_comment(request, comment_id: int, payload: VoteIn):
    comment = _comment_or_404(comment_id)
    try:
        comment = services.comment_vote(actor=request.auth, comment=comment, value=payload.value)
    except PermissionDenied as exc:
        return _refused(exc)
    return {
        "id": comment.pk,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "your_vote": comment.your_vote,
    }
