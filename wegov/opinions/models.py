"""Pol.is-style conversations: statements, agree/disagree/pass votes, opinion groups.

A ``Conversation`` asks a topic. Its organiser writes seed ``Statement`` rows;
participants may add their own (at most ``STATEMENT_MAX`` characters), which
others see once accepted (pre-moderation) or at once until a moderator removes
them (post-moderation). A ``Participant`` is one person in one conversation:
a signed-in user, or an anonymous browser when the organiser allows it. Each
participant has at most one ``Vote`` per statement, changeable.

Statements and participants carry a ``number`` unique within their
conversation: the Pol.is ``comment-id`` and participant id, kept on import
and used in the Pol.is openData export, so no user id ever leaves the site.

Every recomputation of the opinion groups (``opinions.maths``, run by a
Celery task, never in a request) is kept as an ``OpinionAnalysis``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import Moderated, TimeStampedModel

TOPIC_MAX = 200
DESCRIPTION_MAX = 5000
STATEMENT_MAX = 280  # what participants may write (Pol.is' limit too)
IMPORTED_STATEMENT_MAX = 2000  # imported Pol.is comments may be longer
REJECTION_REASON_MAX = 300
MIN_VOTES_DEFAULT = 7  # Pol.is groups only participants with min(7, statements) votes


class ConversationQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees: published conversations (in a published process, if any)."""
        return self.filter(is_published=True).filter(
            Q(process__isnull=True) | Q(process__is_published=True)
        )


class Conversation(TimeStampedModel):
    class Moderation(models.TextChoices):
        PRE = "pre", _("Before others see them (pre-moderation)")
        POST = "post", _("After they appear (post-moderation)")

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=TOPIC_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_open = models.BooleanField(
        _("open for votes and statements"),
        default=True,
        help_text=_("A closed conversation keeps its results but takes no more votes."),
    )
    allow_anonymous = models.BooleanField(
        _("people may take part without an account"),
        default=False,
        help_text=_("Anonymous participants are told apart by a cookie in their browser."),
    )
    allow_statements = models.BooleanField(_("participants may add statements"), default=True)
    moderation = models.CharField(
        _("moderation of participants' statements"),
        max_length=4,
        choices=Moderation.choices,
        default=Moderation.PRE,
    )
    min_votes = models.PositiveSmallIntegerField(
        _("votes needed to be placed in an opinion group"),
        default=MIN_VOTES_DEFAULT,
        help_text=_("Pol.is uses 7 (or every statement, when there are fewer)."),
    )
    # Set on conversations loaded from a Pol.is openData export.
    source_url = models.URLField(_("imported from"), blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_votes__gte=1) & Q(min_votes__lte=100),
                name="opinions_conversation_min_votes_range",
            ),
        ]

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        return reverse("opinions:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.is_published and (self.process_id is None or self.process.is_published)


class Participant(models.Model):
    """One person (or anonymous browser) in one conversation."""

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    number = models.PositiveIntegerField(_("participant number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversation_participations",
    )
    # SHA-256 of the random id in an anonymous participant's cookie; the id
    # itself is never stored.
    browser_key = models.CharField(_("browser key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="opinions_participant_number_unique"
            ),
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=Q(user__isnull=False),
                name="opinions_participant_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "browser_key"],
                condition=~Q(browser_key=""),
                name="opinions_participant_one_per_browser",
            ),
        ]

    def __str__(self):
        return f"{self.conversation} #{self.number}"


class StatementQuerySet(models.QuerySet):
    def shown(self):
        """Statements others see and vote on: accepted and not hidden by moderation."""
        return self.filter(state=Statement.State.ACCEPTED, is_hidden=False)


class Statement(Moderated):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="statements",
    )
    number = models.PositiveIntegerField(_("statement number"))
    text = models.TextField(_("statement"), max_length=IMPORTED_STATEMENT_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversation_statements",
    )
    # The participant who wrote it (anonymous authors and imported ones have no user).
    author_participant = models.ForeignKey(
        Participant,
        verbose_name=_("author (participant)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    state = models.CharField(
        _("moderation state"),
        max_length=8,
        choices=State.choices,
        default=State.PENDING,
        db_index=True,
    )
    rejection_reason = models.CharField(
        _("reason for rejecting"), max_length=REJECTION_REASON_MAX, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now, db_index=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="opinions_statement_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""),
                name="opinions_statement_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("opinions:statement", args=[self.conversation.slug, self.number])


class Vote(models.Model):
    class Value(models.IntegerChoices):
        # The Pol.is openData convention: 1 agree, -1 disagree, 0 pass.
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    # Denormalised from the statement so the vote matrix loads with one filter.
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="votes"
    )
    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField(_("vote"), choices=Value.choices)
    created_at = models.DateTimeField(_("first voted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="opinions_vote_one_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 0, 1]), name="opinions_vote_value_valid"
            ),
        ]
        indexes = [models.Index(fields=["conversation", "updated_at"])]

    def __str__(self):
        return f"{self.participant} {self.value:+d} on {self.statement_id}"


class OpinionAnalysis(models.Model):
    """One computation of a conversation's opinion groups, as shown on its results page.

    ``result`` is what ``opinions.maths.Analysis.as_json()`` returns, with
    participants and statements named by their ``number``.
    """

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="analyses",
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now, db_index=True)
    vote_count = models.PositiveIntegerField(_("votes"))
    participant_count = models.PositiveIntegerField(_("participants who voted"))
    grouped_count = models.PositiveIntegerField(_("participants in groups"))
    group_count = models.PositiveSmallIntegerField(_("opinion groups"))
    silhouette = models.FloatField(_("silhouette"), null=True, blank=True)
    # SHA-256 of the vote matrix the analysis read (votes and moderation states).
    input_hash = models.CharField(_("input hash"), max_length=64)
    seconds = models.FloatField(_("computation time (s)"), default=0)
    result = models.JSONField(_("result"))

    class Meta:
        verbose_name = _("opinion analysis")
        verbose_name_plural = _("opinion analyses")
        ordering = ["-computed_at", "-pk"]
        get_latest_by = ["computed_at", "pk"]

    def __str__(self):
        return f"{self.conversation} @ {self.computed_at:%Y-%m-%d %H:%M}"
