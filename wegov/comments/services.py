"""Every write about comments: create, edit, delete, vote.

Refusals: ``PermissionDenied(reason)`` when the person may not do it (not
logged in, blocked, not the author, the target's policy says no: wrong phase,
closed debate...), ``ValidationError`` when the input is wrong (empty, too
long, wrong stance, parent of another target, too deep). The reason is a
translated sentence the pages and the API show as it is.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.accounts.rules import is_citizen
from wegov.core import activity, registry
from wegov.core.audit import audit
from wegov.core.events import emit

from . import rules, selectors, text
from .models import MAX_DEPTH, Comment, CommentVersion, CommentVote, Stance

COUNT_CHANGED = "comment.count_changed"  # kind=, object_id=, count=
# A second identical comment by the same person within this window is the same
# comment (a double click, a resent form): the first one is returned.
DUPLICATE_WINDOW = dt.timedelta(minutes=2)


# --- Helpers ----------------------------------------------------------------------------


def _check_policy(actor, target, kind) -> None:
    reason = selectors.refusal(actor, target, kind)
    if reason:
        raise PermissionDenied(reason)


def _target(comment: Comment):
    try:
        return selectors.target_of(comment)
    except LookupError as exc:
        raise ValidationError(_("What this comment was about no longer exists.")) from exc


def _clean_stance(stance: str | None, *, kind, is_reply: bool) -> str:
    stance = (stance or "").strip()
    if not kind.comment_stances:
        if stance:
            raise ValidationError({"stance": _("Comments here take no stance.")})
        return ""
    if is_reply:
        if stance:
            raise ValidationError(
                {"stance": _("Only top-level comments take a stance; replies do not.")}
            )
        return ""
    if not stance:
        return Stance.NEUTRAL
    if stance not in Stance.values:
        raise ValidationError({"stance": _("Choose for, against or neutral.")})
    return stance


def _context(kind, target) -> dict:
    """Activity context: the target (as parent), its process and district."""
    presentation = kind.present(target)
    context = {
        "parent_kind": kind.kind,
        "parent_id": target.pk,
        "process": presentation.process_id,
    }
    if presentation.district:
        from wegov.places.models import Area

        context["district"] = (
            Area.objects.filter(kind=Area.Kind.DISTRICT, slug=presentation.district)
            .values_list("pk", flat=True)
            .first()
        )
    return context


def _find_mentions(body: str, *, kind_name: str, target, exclude: set[int]) -> list:
    """(user, name as written) for each resolved @mention, at most 10 people."""
    marks = text.mention_marks(body)
    if not marks:
        return []
    names = {name for names in marks for name in names}
    users_by_name: dict[str, list] = {}
    people = (
        get_user_model()
        .objects.annotate(lower_name=Lower("display_name"))
        .filter(
            lower_name__in=names, is_active=True, erased_at__isnull=True, blocked_at__isnull=True
        )
        .only("pk", "display_name", "public_id")[:200]
    )
    for person in people:
        users_by_name.setdefault(person.lower_name, []).append(person)

    def in_thread() -> set[int]:
        ids = set(
            Comment.objects.filter(target_kind=kind_name, target_id=target.pk)
            .exclude(author=None)
            .values_list("author_id", flat=True)
            .distinct()
        )
        author_id = getattr(target, f"{registry.kind_of(target).author_field}_id", None)
        if author_id:
            ids.add(author_id)
        return ids

    return text.resolve_mentions(marks, users_by_name, in_thread, exclude)


def _mention_rows(body: str, found: list) -> list[dict]:
    rows = []
    lowered = body.lower()
    for user, name in found:
        at = lowered.find("@" + name)
        written = body[at + 1 : at + 1 + len(name)] if at >= 0 else user.display_name
        rows.append({"name": written, "public_id": str(user.public_id), "user_id": user.pk})
    return rows


def _publish_mentions(actor, comment: Comment, user_ids: list[int], context: dict) -> None:
    if user_ids:
        activity.publish(
            "comment.mentioned",
            actor=actor,
            target_kind="comment",
            target_id=comment.pk,
            context=context,
            notify=user_ids,
            public=False,
        )


def emit_count(kind_name: str, object_id: int) -> int:
    """Tell the target's app its number of visible comments (after commit)."""
    count = selectors.visible_count(kind_name, object_id)
    emit(COUNT_CHANGED, kind=kind_name, object_id=object_id, count=count)
    return count


# --- Writing ----------------------------------------------------------------------------


def comment_create(
    *,
    actor,
    target: models.Model,
    body: str,
    stance: str | None = "",
    parent: Comment | None = None,
) -> Comment:
    """Publish a comment on ``target`` (any commentable registered kind), or a
    reply to ``parent``. Notifies the parent's author and the people @mentioned."""
    try:
        kind = registry.kind_of(target)
    except KeyError as exc:
        raise ValidationError(_("Comments are not possible here.")) from exc
    _check_policy(actor, target, kind)
    body = text.clean_body(body)
    with transaction.atomic():
        depth = 0
        if parent is not None:
            parent = Comment.objects.select_for_update().get(pk=parent.pk)
            if parent.target_kind != kind.kind or parent.target_id != target.pk:
                raise ValidationError(
                    {"parent": _("The comment you reply to is about something else.")}
                )
            if not parent.is_visible:
                raise ValidationError(
                    {"parent": _("The comment you reply to was deleted or hidden.")}
                )
            if parent.depth >= MAX_DEPTH:
                raise ValidationError(
                    {
                        "parent": _(
                            "Replies go at most three levels deep: reply to the comment "
                            "this one answers instead."
                        )
                    }
                )
            depth = parent.depth + 1
        stance = _clean_stance(stance, kind=kind, is_reply=parent is not None)

        duplicate = (
            Comment.objects.filter(
                author=actor,
                target_kind=kind.kind,
                target_id=target.pk,
                parent=parent,
                body=body,
                deleted_at__isnull=True,
                created_at__gte=timezone.now() - DUPLICATE_WINDOW,
            )
            .order_by("created_at")
            .first()
        )
        if duplicate is not None:
            return duplicate

        notified = {actor.pk}
        if parent is not None and parent.author_id:
            notified.add(parent.author_id)
        found = _find_mentions(body, kind_name=kind.kind, target=target, exclude=notified)
        comment = Comment.objects.create(
            target_kind=kind.kind,
            target_id=target.pk,
            parent=parent,
            depth=depth,
            author=actor,
            body=body,
            stance=stance,
            mentions=_mention_rows(body, found),
        )
        context = _context(kind, target)
        activity.publish(
            "comment.created",
            actor=actor,
            target_kind="comment",
            target_id=comment.pk,
            context=context,
            extra={"excerpt": body[:140]},
        )
        if parent is not None and parent.author_id and parent.author_id != actor.pk:
            activity.publish(
                "comment.replied",
                actor=actor,
                target_kind="comment",
                target_id=comment.pk,
                context={**context, "parent_kind": "comment", "parent_id": parent.pk},
                notify=[parent.author_id],
                public=False,
                extra={"excerpt": body[:140]},
            )
        _publish_mentions(actor, comment, [user.pk for user, _n in found], context)
        emit_count(kind.kind, target.pk)
    return comment


def comment_edit(*, actor, comment: Comment, body: str, stance: str | None = None) -> Comment:
    """The author changes their comment; the previous text is kept as a version.
    ``stance=None`` keeps the stance. People newly @mentioned are notified."""
    if not is_citizen(actor):
        raise PermissionDenied(_("Log in to edit your comment."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not rules.is_comment_author(actor, comment):
            raise PermissionDenied(_("Only the author can edit a comment."))
        if comment.is_deleted:
            raise ValidationError(_("This comment was deleted; it cannot be edited."))
        if comment.is_hidden:
            raise ValidationError(_("This comment is hidden by moderation; it cannot be edited."))
        kind, target = _target(comment)
        _check_policy(actor, target, kind)
        body = text.clean_body(body)
        new_stance = (
            comment.stance
            if stance is None
            else _clean_stance(stance, kind=kind, is_reply=comment.parent_id is not None)
        )
        if body == comment.body and new_stance == comment.stance:
            return comment
        now = timezone.now()
        CommentVersion.objects.create(
            comment=comment, body=comment.body, stance=comment.stance, edited_at=now
        )
        already = {m.get("user_id") for m in comment.mentions}
        found = _find_mentions(
            body, kind_name=kind.kind, target=target, exclude={actor.pk, comment.author_id}
        )
        comment.body = body
        comment.stance = new_stance
        comment.mentions = _mention_rows(body, found)
        comment.edited_at = now
        comment.save(update_fields=["body", "stance", "mentions", "edited_at", "updated_at"])
        new_people = [user.pk for user, _n in found if user.pk not in already]
        _publish_mentions(actor, comment, new_people, _context(kind, target))
    return comment


def comment_delete(*, actor, comment: Comment) -> Comment:
    """Remove the text (and its history); the comment stays as "comment deleted"
    so replies keep their place. The author may; so may moderators (audited)."""
    if not is_citizen(actor):
        raise PermissionDenied(_("Log in to delete your comment."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_deleted:
            return comment
        if not rules.can_delete(actor, comment):
            raise PermissionDenied(_("Only the author can delete a comment."))
        if not rules.is_comment_author(actor, comment):
            audit(
                actor=actor,
                action="comment.deleted_by_moderator",
                target=comment,
                before={"body": comment.body, "author": comment.author_id},
            )
        comment.body = ""
        comment.stance = ""
        comment.mentions = []
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["body", "stance", "mentions", "deleted_at", "updated_at"])
        comment.versions.all().delete()
        emit_count(comment.target_kind, comment.target_id)
    return comment


def comment_vote(*, actor, comment: Comment, value: int) -> Comment:
    """Vote a comment up (1) or down (-1), or take the vote back (0).

    The comment row is locked while the vote changes, and the counters move
    with ``F()`` updates, so concurrent clicks never lose or double a count.
    Returns the comment with fresh counts and ``your_vote`` set.
    """
    try:
        value = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("A vote is up (1), down (-1) or none (0).")) from exc
    if value not in (-1, 0, 1):
        raise ValidationError(_("A vote is up (1), down (-1) or none (0)."))
    if not is_citizen(actor):
        raise PermissionDenied(_("Log in to vote on comments."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if rules.is_comment_author(actor, comment):
            raise PermissionDenied(_("You cannot vote on your own comment."))
        if not comment.is_visible:
            raise ValidationError(_("This comment was deleted or hidden; it takes no votes."))
        kind, target = _target(comment)
        _check_policy(actor, target, kind)
        existing = CommentVote.objects.select_for_update().filter(comment=comment, user=actor)
        vote = existing.first()
        old = vote.value if vote else 0
        if old != value:
            if vote is None:
                try:
                    with transaction.atomic():
                        CommentVote.objects.create(comment=comment, user=actor, value=value)
                except IntegrityError as exc:
                    raise ValidationError(
                        _("Your vote was already counted; reload the page.")
                    ) from exc
            elif value == 0:
                vote.delete()
            else:
                existing.update(value=value)
            up = int(value == 1) - int(old == 1)
            down = int(value == -1) - int(old == -1)
            Comment.objects.filter(pk=comment.pk).update(
                upvotes=F("upvotes") + up, downvotes=F("downvotes") + down
            )
            comment.refresh_from_db(fields=["upvotes", "downvotes"])
    comment.your_vote = value
    return comment


def fix_vote_counts(comment_ids) -> None:
    """Recount the votes of these comments from the vote rows (after a bulk removal)."""
    counts = {
        row["comment_id"]: row
        for row in CommentVote.objects.filter(comment_id__in=comment_ids)
        .values("comment_id")
        .annotate(
            up=models.Count("pk", filter=models.Q(value=1)),
            down=models.Count("pk", filter=models.Q(value=-1)),
        )
    }
    for comment_id in comment_ids:
        row = counts.get(comment_id, {"up": 0, "down": 0})
        Comment.objects.filter(pk=comment_id).update(upvotes=row["up"], downvotes=row["down"])
