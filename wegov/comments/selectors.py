"""Reads of comments, shared by the comments section, the views and the API."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils.translation import gettext as _

from wegov.accounts.rules import is_blocked, is_citizen
from wegov.core import registry

from .models import Comment, CommentVote, Stance

PER_PAGE = 50


class Sort(models.TextChoices):
    BEST = "best", "best"
    NEWEST = "newest", "newest"
    OLDEST = "oldest", "oldest"


SORTS = tuple(Sort.values)


def wilson_lower_bound(up: int, down: int, z: float = 1.96) -> float:
    """The lower bound of the 95% Wilson score interval for the share of up votes.

    "Best" sorts by it: a comment with 40 up and 5 down (0.77) ranks above one
    with 3 up and 0 down (0.44), which ranks above one without votes (0). It
    rewards both a high share of up votes and enough votes to trust the share.
    """
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - margin) / (1 + z2 / n)


# --- Targets and who may comment ------------------------------------------------------


def commentable_kind(kind_name: str) -> registry.ContributionKind | None:
    try:
        kind = registry.get_kind(kind_name)
    except KeyError:
        return None
    return kind if kind.commentable else None


def visible_target(kind_name: str, object_id) -> tuple[registry.ContributionKind, models.Model]:
    """The commentable, non-hidden target; raises ``LookupError`` otherwise."""
    kind = commentable_kind(kind_name)
    if kind is None:
        raise LookupError(kind_name)
    try:
        obj = kind.get(int(object_id))
    except (TypeError, ValueError, OverflowError, kind.model.DoesNotExist) as exc:
        raise LookupError(object_id) from exc
    if kind.is_hidden(obj):
        raise LookupError(object_id)
    return kind, obj


def target_of(comment: Comment) -> tuple[registry.ContributionKind, models.Model]:
    """The kind and row a comment is about (hidden or not); ``LookupError`` if gone."""
    try:
        kind = registry.get_kind(comment.target_kind)
    except KeyError as exc:
        raise LookupError(comment.target_kind) from exc
    try:
        return kind, kind.get(comment.target_id)
    except kind.model.DoesNotExist as exc:
        raise LookupError(comment.target_id) from exc


def refusal(user, obj, kind: registry.ContributionKind | None = None) -> str | None:
    """Why ``user`` may not comment on ``obj`` now, or None if they may.

    The kind must take comments and the target must not be hidden; the person
    must be logged in and not blocked; then the kind's own policy decides
    (phase of the process, closed debate...).
    """
    if kind is None:
        try:
            kind = registry.kind_of(obj)
        except KeyError:
            return _("Comments are not possible here.")
    if not kind.commentable:
        return _("Comments are not possible here.")
    if kind.is_hidden(obj):
        return _("This contribution is hidden by moderation: it takes no comments.")
    if not is_citizen(user):
        return _("Log in to comment.")
    if is_blocked(user):
        return _("Your account is blocked: you cannot comment.")
    return kind.comment_policy(user, obj)


def visible_count(kind_name: str, object_id: int) -> int:
    """Comments people can read: not hidden by moderation, not deleted."""
    return Comment.objects.filter(
        target_kind=kind_name, target_id=object_id, is_hidden=False, deleted_at__isnull=True
    ).count()


# --- The thread ------------------------------------------------------------------------


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)
    your_vote: int = 0

    @property
    def is_placeholder(self) -> bool:
        return not self.comment.is_visible


@dataclass
class Thread:
    kind: str
    object_id: int
    sort: str
    stance: str | None
    count: int  # visible comments, replies included
    stance_counts: dict[str, int]
    page: Page  # of top-level Nodes
    stances: bool = False

    @property
    def nodes(self) -> list[Node]:
        return list(self.page.object_list)


_LIGHT_FIELDS = (
    "id", "parent_id", "upvotes", "downvotes", "created_at", "is_hidden", "deleted_at", "stance",
)  # fmt: skip


@dataclass(slots=True)
class _Light:
    """What the thread's shape, counts and order need of a comment."""

    pk: int
    parent_id: int | None
    upvotes: int
    downvotes: int
    created_at: object
    is_hidden: bool
    deleted_at: object
    stance: str

    @property
    def is_visible(self) -> bool:
        return not self.is_hidden and self.deleted_at is None


def _has_visible(comment, children: dict[int, list]) -> bool:
    if comment.is_visible:
        return True
    return any(_has_visible(c, children) for c in children.get(comment.pk, ()))


def _sort_key(sort: str):
    if sort == Sort.OLDEST:
        return lambda c: (c.created_at, c.pk)
    if sort == Sort.NEWEST:
        return lambda c: (-c.created_at.timestamp(), -c.pk)
    return lambda c: (
        -wilson_lower_bound(c.upvotes, c.downvotes),
        -(c.upvotes - c.downvotes),
        -c.created_at.timestamp(),
        -c.pk,
    )


def thread(
    kind_name: str,
    object_id: int,
    *,
    sort: str = Sort.BEST,
    stance: str | None = None,
    viewer=None,
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
    stances: bool | None = None,
) -> Thread:
    """A target's comments: a page of top-level comments, each with its replies
    nested (oldest first, as a conversation), and the viewer's own votes.

    Three queries whatever the size: the shape of the whole thread (ids,
    parents, votes, dates, visibility: light rows, no authors), the comments of
    the page with their authors, and the viewer's votes on them. A hidden or deleted
    comment stays as a placeholder (moderation's public reason, or "comment
    deleted") when it has visible replies, and is left out when it has none.
    """
    if sort not in SORTS:
        sort = Sort.BEST
    if stance not in Stance.values:
        stance = None
    if stances is None:
        kind = commentable_kind(kind_name)
        stances = bool(kind and kind.comment_stances)
    # The whole thread's shape from light rows (no model instances, no authors):
    # counts, order and the page. Then full rows only for the comments shown.
    rows = [
        _Light(*values)
        for values in Comment.objects.filter(target_kind=kind_name, target_id=object_id)
        .order_by("created_at", "id")
        .values_list(*_LIGHT_FIELDS)
    ]
    children: dict[int, list[_Light]] = {}
    roots = []
    count = 0
    stance_counts = dict.fromkeys(Stance.values, 0)
    for comment in rows:
        if comment.is_visible:
            count += 1
        if comment.parent_id is None:
            roots.append(comment)
            if comment.is_visible and comment.stance:
                stance_counts[comment.stance] += 1
        else:
            children.setdefault(comment.parent_id, []).append(comment)

    if stances and stance:
        roots = [c for c in roots if c.stance == stance and c.is_visible]
    roots = [c for c in roots if _has_visible(c, children)]
    roots.sort(key=_sort_key(sort))
    paginator = Paginator(roots, per_page)
    page_obj = paginator.get_page(page)

    def shown(comment: _Light) -> list[_Light]:
        found = [comment]
        for reply in children.get(comment.pk, ()):
            if _has_visible(reply, children):
                found.extend(shown(reply))
        return found

    ids = [c.pk for root in page_obj.object_list for c in shown(root)]
    full = (
        Comment.objects.filter(pk__in=ids)
        .select_related("author")
        .only(
            *(
                f.name
                for f in Comment._meta.concrete_fields
                if f.name not in ("updated_at", "hidden_at")
            ),
            "author__display_name",
            "author__public_id",
            "author__erased_at",
            "author__avatar",
        )
        .in_bulk()
        if ids
        else {}
    )

    def build(comment: _Light) -> Node:
        node = Node(full[comment.pk])
        node.replies = [build(c) for c in children.get(comment.pk, ()) if _has_visible(c, children)]
        return node

    nodes = [build(c) for c in page_obj.object_list]
    page_obj.object_list = nodes
    if viewer is not None and getattr(viewer, "is_authenticated", False) and nodes:
        by_id: dict[int, Node] = {}
        stack = list(nodes)
        while stack:
            node = stack.pop()
            by_id[node.comment.pk] = node
            stack.extend(node.replies)
        for comment_id, value in CommentVote.objects.filter(
            user=viewer, comment_id__in=list(by_id)
        ).values_list("comment_id", "value"):
            by_id[comment_id].your_vote = value
    return Thread(
        kind=kind_name,
        object_id=object_id,
        sort=sort,
        stance=stance if stances else None,
        count=count,
        stance_counts=stance_counts if stances else {},
        page=page_obj,
        stances=bool(stances),
    )


def comment_for_page(pk) -> Comment | None:
    """One comment with its author (for the reply, edit, delete and history pages)."""
    try:
        return Comment.objects.select_related("author").get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, Comment.DoesNotExist):
        return None


def your_vote(comment: Comment, user) -> int:
    if not is_citizen(user):
        return 0
    return (
        CommentVote.objects.filter(comment=comment, user=user)
        .values_list("value", flat=True)
        .first()
        or 0
    )
