"""Threaded comments on any registered contribution kind.

A comment points at its target through the contribution registry
(``target_kind`` + ``target_id``), so proposals, debates and any later kind
take comments without a foreign key per kind.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wegov.core.models import Moderated, TimeStampedModel

MAX_BODY = 2000
# A thread is at most three levels deep: depth 0 (top level), 1 and 2.
MAX_DEPTH = 2


class Stance(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral")


class Comment(TimeStampedModel, Moderated):
    target_kind = models.CharField(_("commented kind"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("commented id"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    # Users are never deleted by the application (erasure anonymises the row);
    # SET_NULL only guards against an administrator deleting one by hand.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=MAX_BODY, blank=True)
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices, blank=True)
    # @mentions resolved when the comment was written or last edited:
    # [{"name": "Anna Citizen", "public_id": "…", "user_id": 3}]; the page links them.
    mentions = models.JSONField(_("mentions"), default=list, blank=True)
    upvotes = models.PositiveIntegerField(_("up votes"), default=0)
    downvotes = models.PositiveIntegerField(_("down votes"), default=0)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["target_kind", "target_id", "created_at"], name="comments_target_created"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__in=["", *Stance.values]), name="comments_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(depth__lte=MAX_DEPTH), name="comments_depth_at_most_two"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comments_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=Q(upvotes__gte=0) & Q(downvotes__gte=0),
                name="comments_votes_nonnegative",
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.target_kind} {self.target_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_visible(self) -> bool:
        return not self.is_hidden and self.deleted_at is None

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def public_author(self) -> str:
        if self.author is None:
            return str(_("former participant"))
        return self.author.public_name


class CommentVersion(models.Model):
    """The text a comment had before an edit."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField(_("previous text"), max_length=MAX_BODY)
    stance = models.CharField(_("previous stance"), max_length=10, blank=True)
    # When this text was replaced.
    edited_at = models.DateTimeField(_("replaced at"))

    class Meta:
        verbose_name = _("comment version")
        verbose_name_plural = _("comment versions")
        ordering = ["-edited_at", "-id"]

    def __str__(self):
        return f"Version of comment {self.comment_id} replaced {self.edited_at:%Y-%m-%d %H:%M}"


class CommentVote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    value = models.SmallIntegerField(_("vote"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment vote")
        verbose_name_plural = _("comment votes")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comments_one_vote_per_user"),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 1]), name="comments_vote_value_valid"
            ),
        ]

    def __str__(self):
        return f"{self.value:+d} on comment {self.comment_id}"
