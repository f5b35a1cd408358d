"""The activity verbs, grouped into the notification types people choose for.

Every verb ``core.activity.publish`` is called with belongs to one type; a
person picks per type how they hear about it by email: at once
(``immediate``), in the daily digest (``daily``) or not at all (``off``).
In-app notifications are always kept. Moderation notices cannot be turned off.

Each verb also has the sentence shown in the activity feed and, when it speaks
to the recipient personally ("replied to *your* comment"), the sentence of the
notification. ``%(actor)s``, ``%(target)s`` and ``%(parent)s`` are filled in
(and escaped) by ``social.presenters``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email me at once")
    DAILY = "daily", _("Email me once a day (daily summary)")
    OFF = "off", _("No emails (only here, on the website)")


@dataclass(frozen=True)
class NotificationType:
    key: str
    label: object  # translatable
    hint: object  # translatable
    default: str  # a Delivery value
    can_turn_off: bool = True

    def choices(self) -> list[tuple[str, object]]:
        return [
            (value, label)
            for value, label in Delivery.choices
            if self.can_turn_off or value != Delivery.OFF
        ]


ANSWERS = "answers"
REPLIES = "replies"
NEW_CONTRIBUTIONS = "new_contributions"
AREAS = "areas"
PROCESSES = "processes"
QUALIFIED = "qualified"
MODERATION = "moderation"
OTHER = "other"

TYPES: dict[str, NotificationType] = {
    t.key: t
    for t in (
        NotificationType(
            ANSWERS,
            _("Answers to proposals I follow or wrote"),
            _("Official answers, withdrawn proposals and closed debates."),
            Delivery.IMMEDIATE,
        ),
        NotificationType(
            REPLIES,
            _("Replies and mentions"),
            _("Someone replied to you, mentioned you or invited you to co-author a proposal."),
            Delivery.IMMEDIATE,
        ),
        NotificationType(
            NEW_CONTRIBUTIONS,
            _("New contributions in what I follow"),
            _(
                "New proposals, debates and comments in processes, topics, districts and "
                "contributions you follow, and by people you follow."
            ),
            Delivery.DAILY,
        ),
        NotificationType(
            AREAS,
            _("New contributions in my areas of interest"),
            _(
                "New reports, proposals and other contributions on the map inside the "
                "circles and districts you saved as areas of interest."
            ),
            Delivery.DAILY,
        ),
        NotificationType(
            PROCESSES,
            _("New processes and phases"),
            _("A participatory process you follow opens or moves to its next phase."),
            Delivery.DAILY,
        ),
        NotificationType(
            QUALIFIED,
            _("Qualified proposals for my organisation"),
            _("For staff: a proposal has enough supports and waits for your answer."),
            Delivery.IMMEDIATE,
        ),
        NotificationType(
            MODERATION,
            _("Moderation notices"),
            _(
                "Something of yours was hidden, or your account was blocked. "
                "These cannot be turned off."
            ),
            Delivery.IMMEDIATE,
            can_turn_off=False,
        ),
        NotificationType(
            OTHER,
            _("Other news about what I follow"),
            _("Anything else that happens to what you follow."),
            Delivery.DAILY,
        ),
    )
}


@dataclass(frozen=True)
class Verb:
    name: str
    type: str
    # Sentence for everyone (the feed, profiles); placeholders %(actor)s,
    # %(target)s, %(parent)s.
    text: object
    # Sentence for the recipient of a notification, when it differs.
    personal: object = None
    # Whether the verb appears in public feeds at all (replies and mentions
    # repeat a comment.created entry; moderation is never public).
    in_feed: bool = True


VERBS: dict[str, Verb] = {
    v.name: v
    for v in (
        Verb(
            "process.published",
            PROCESSES,
            _("%(actor)s opened the participatory process %(target)s"),
        ),
        Verb("process.phase_started", PROCESSES, _("A new phase started in %(target)s")),
        Verb(
            "proposal.created", NEW_CONTRIBUTIONS, _("%(actor)s submitted the proposal %(target)s")
        ),
        Verb(
            "proposal.qualified",
            QUALIFIED,
            _("The proposal %(target)s has enough supports and qualifies for an answer"),
        ),
        Verb(
            "proposal.answered",
            ANSWERS,
            _("The proposal %(target)s received an official answer"),
        ),
        Verb("proposal.withdrawn", ANSWERS, _("%(actor)s withdrew the proposal %(target)s")),
        Verb(
            "budget_project.submitted",
            NEW_CONTRIBUTIONS,
            _("%(actor)s submitted the budget project %(target)s"),
        ),
        Verb(
            "budget_project.evaluated",
            ANSWERS,
            _("The budget project %(target)s was evaluated"),
            personal=_("The city evaluated your budget project %(target)s"),
            in_feed=False,
        ),
        Verb(
            "proposal.coauthor_invited",
            REPLIES,
            _("%(actor)s invited a co-author to %(target)s"),
            personal=_("%(actor)s invited you to co-author the proposal %(target)s"),
            in_feed=False,
        ),
        # No actor in the sentence: a report may be anonymous.
        Verb("report.created", NEW_CONTRIBUTIONS, _("Problem reported: %(target)s")),
        Verb("report.resolved", ANSWERS, _("The problem %(target)s was resolved")),
        Verb("debate.created", NEW_CONTRIBUTIONS, _("%(actor)s opened the debate %(target)s")),
        Verb(
            "debate.closed",
            ANSWERS,
            _("The debate %(target)s was closed with a conclusion"),
        ),
        # From accountability: the city's implementation of what it committed to.
        Verb(
            "result.tracked",
            ANSWERS,
            _("The city started tracking the implementation of %(target)s"),
        ),
        Verb("result.status_changed", ANSWERS, _("The implementation of %(target)s was updated")),
        Verb("result.milestone_reached", ANSWERS, _("A milestone of %(target)s was reached")),
        Verb("poll.opened", NEW_CONTRIBUTIONS, _("A poll opened: %(target)s")),
        Verb("poll.results_published", ANSWERS, _("The results of the poll %(target)s are out")),
        Verb(
            "voting.delegated",
            REPLIES,
            _("%(actor)s delegated their vote in %(target)s"),
            personal=_("%(actor)s delegated their vote in %(target)s to you"),
            in_feed=False,
        ),
        # From places: a new contribution inside someone's area of interest
        # (personal, never in feeds; no actor: reports may be anonymous).
        Verb(
            "area.new_contribution",
            AREAS,
            _("New in an area of interest: %(target)s"),
            personal=_("New in your area of interest: %(target)s"),
            in_feed=False,
        ),
        Verb("comment.created", NEW_CONTRIBUTIONS, _("%(actor)s commented on %(parent)s")),
        Verb(
            "comment.replied",
            REPLIES,
            _("%(actor)s replied to a comment on %(parent)s"),
            personal=_("%(actor)s replied to your comment on %(parent)s"),
            in_feed=False,
        ),
        Verb(
            "comment.mentioned",
            REPLIES,
            _("%(actor)s mentioned someone in a comment on %(parent)s"),
            personal=_("%(actor)s mentioned you in a comment on %(parent)s"),
            in_feed=False,
        ),
        Verb(
            "moderation.hidden",
            MODERATION,
            _("The moderators hid %(target)s"),
            personal=_("The moderators hid your contribution %(target)s"),
            in_feed=False,
        ),
        # From opinions: a moderator decided on a participant's statement.
        Verb(
            "moderation.statement_accepted",
            MODERATION,
            _("The moderators accepted the statement %(target)s"),
            personal=_("The moderators accepted your statement %(target)s"),
            in_feed=False,
        ),
        Verb(
            "moderation.statement_rejected",
            MODERATION,
            _("The moderators rejected the statement %(target)s"),
            personal=_("The moderators rejected your statement %(target)s"),
            in_feed=False,
        ),
        Verb(
            "moderation.user_blocked",
            MODERATION,
            _("The moderators blocked an account"),
            personal=_("The moderators blocked your account"),
            in_feed=False,
        ),
    )
}

FALLBACK_TEXT = _("New activity on %(target)s")

# Official answer states (``extra["state"]`` of proposal.answered).
ANSWER_STATES = {
    "accepted": _("accepted"),
    "evaluating": _("being evaluated"),
    "rejected": _("rejected"),
}


def type_of(verb: str) -> str:
    known = VERBS.get(verb)
    return known.type if known else OTHER


def in_feed(verb: str) -> bool:
    known = VERBS.get(verb)
    return known.in_feed if known else True


def get_type(key: str) -> NotificationType | None:
    return TYPES.get(key)


def verbs_of(type_key: str) -> list[str]:
    return [v.name for v in VERBS.values() if v.type == type_key]
