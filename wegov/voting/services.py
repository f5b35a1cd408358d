"""Every write about polls, votes, delegations and tallies.

Permission checks use the predicates of ``rules``; the ``*_refusal``
functions say, in words people read, why someone may not do something (the
pages and the API show it instead of a bare "forbidden").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.accounts.models import User
from wegov.accounts.rules import participant_refusal
from wegov.core import activity
from wegov.core.audit import audit
from wegov.processes.models import Action, Process

from . import rules, selectors
from .models import (
    DESCRIPTION_MAX,
    OPTION_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    TITLE_MAX,
    Delegation,
    Poll,
    PollChoice,
    PollOption,
    PollTally,
    PollVote,
    VotingSettings,
)

KIND = "poll"


# --- Why not? -----------------------------------------------------------------------


def check_manager(actor) -> None:
    if actor is None or not actor.has_perm("voting.manage_polls"):
        raise PermissionDenied(_("Only process managers can manage polls."))


def vote_refusal(user, poll: Poll, now: dt.datetime | None = None) -> str | None:
    """None when ``user`` may vote on ``poll`` now, else why not."""
    reason = participant_refusal(user, _("vote"))
    if reason:
        return reason
    if not rules.poll_is_public(user, poll):
        return _("This poll is not published.")
    state = poll.state(now)
    if state == "upcoming":
        return _("Voting on this poll opens on %(date)s.") % {
            "date": timezone.localtime(poll.opens_at).strftime("%d-%m-%Y %H:%M")
        }
    if state == "closed":
        return _("This poll is closed.")
    if not poll.process.allows(Action.VOTE):
        return _("The process is not in a voting phase: votes are not taken now.")
    if now is None and not rules.may_vote(user, poll):  # the named rule has the last word
        return _("You cannot vote on this poll.")
    return None


def delegation_refusal(user, process: Process) -> str | None:
    reason = participant_refusal(user, _("delegate your vote"))
    if reason:
        return reason
    if not process.is_published:
        return _("This process is not published.")
    if not selectors.delegation_enabled(process):
        return _("This process does not use delegation.")
    if not rules.process_is_not_over(user, process):
        return _("This process is over.")
    return None


# --- Polls (managers) -----------------------------------------------------------------


@dataclass
class PollInput:
    title: str
    kind: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    options: Sequence[str] = field(default_factory=list)
    description: str = ""
    max_choices: int | None = None
    results_visibility: str = Poll.Results.AFTER_CLOSE


def _validate_poll(data: PollInput, *, poll: Poll | None) -> dict:
    errors: dict[str, str] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = _("Write the question people vote on.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Use at most %(limit)s characters.") % {"limit": TITLE_MAX}
    description = (data.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Use at most %(limit)s characters.") % {"limit": DESCRIPTION_MAX}
    if "\x00" in title + description:
        errors["title"] = _("Remove the invisible control characters from the text.")
    if data.kind not in Poll.Kind.values:
        errors["kind"] = _("Choose the kind of ballot.")
    if data.results_visibility not in Poll.Results.values:
        errors["results_visibility"] = _("Choose when the results are shown.")
    if data.opens_at is None or data.closes_at is None:
        errors["closes_at"] = _("Give the opening and closing times.")
    elif timezone.is_naive(data.opens_at) or timezone.is_naive(data.closes_at):
        errors["closes_at"] = _("Give the times with their time zone.")
    elif data.closes_at <= data.opens_at:
        errors["closes_at"] = _("The poll must close after it opens.")
    labels = [(label or "").strip() for label in data.options]
    labels = [label for label in labels if label]
    if len(labels) < OPTIONS_MIN:
        errors["options"] = _("Give at least %(count)s options.") % {"count": OPTIONS_MIN}
    elif len(labels) > OPTIONS_MAX:
        errors["options"] = _("Give at most %(count)s options.") % {"count": OPTIONS_MAX}
    elif len({label.casefold() for label in labels}) != len(labels):
        errors["options"] = _("Each option must be different.")
    elif any(len(label) > OPTION_MAX for label in labels):
        errors["options"] = _("Keep each option under %(limit)s characters.") % {
            "limit": OPTION_MAX
        }
    max_choices = data.max_choices
    if data.kind != Poll.Kind.APPROVAL:
        max_choices = None
    elif max_choices is not None and not (1 <= max_choices <= max(len(labels), 1)):
        errors["max_choices"] = _("Between 1 and the number of options.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "kind": data.kind,
        "max_choices": max_choices,
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "results_visibility": data.results_visibility,
        "labels": labels,
    }


def _snapshot(poll: Poll) -> dict:
    return {
        "title": poll.title,
        "kind": poll.kind,
        "max_choices": poll.max_choices,
        "opens_at": poll.opens_at.isoformat(),
        "closes_at": poll.closes_at.isoformat(),
        "results_visibility": poll.results_visibility,
        "options": [o.label for o in poll.options.order_by("position", "id")],
    }


def poll_create(*, actor, process: Process, data: PollInput) -> Poll:
    """A new poll in ``process``, as an unpublished draft."""
    check_manager(actor)
    values = _validate_poll(data, poll=None)
    labels = values.pop("labels")
    with transaction.atomic():
        poll = Poll.objects.create(process=process, created_by=actor, **values)
        PollOption.objects.bulk_create(
            PollOption(poll=poll, label=label, position=i) for i, label in enumerate(labels)
        )
        audit(actor=actor, action="poll.created", target=poll, after=_snapshot(poll))
    return poll


def poll_update(*, actor, poll: Poll, data: PollInput) -> Poll:
    """Change a poll. Once someone voted, its kind and options stay as they
    are (changing them would change the meaning of the votes)."""
    check_manager(actor)
    values = _validate_poll(data, poll=poll)
    labels = values.pop("labels")
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        before = _snapshot(poll)
        has_votes = poll.votes.exists()
        if has_votes and (values["kind"] != poll.kind or labels != before["options"]):
            raise ValidationError(
                {"options": _("People have voted: the kind and the options can no longer change.")}
            )
        if has_votes and values["max_choices"] != poll.max_choices:
            raise ValidationError(
                {"max_choices": _("People have voted: the number of choices can no longer change.")}
            )
        for name, value in values.items():
            setattr(poll, name, value)
        poll.save(update_fields=[*values, "updated_at"])
        if labels != before["options"]:
            poll.options.all().delete()
            PollOption.objects.bulk_create(
                PollOption(poll=poll, label=label, position=i) for i, label in enumerate(labels)
            )
        audit(actor=actor, action="poll.updated", target=poll, before=before, after=_snapshot(poll))
    return poll


def _context(poll: Poll) -> dict:
    process = poll.process
    return {"process": process.pk, "district": process.district_id, "topic": process.topic_id}


def poll_publish(*, actor, poll: Poll) -> Poll:
    """Make the poll public; the first publication is announced (``poll.opened``)."""
    check_manager(actor)
    with transaction.atomic():
        poll = Poll.objects.select_for_update().select_related("process").get(pk=poll.pk)
        if poll.is_published:
            raise ValidationError(_("This poll is already published."))
        first_time = poll.published_at is None
        poll.is_published = True
        if first_time:
            poll.published_at = timezone.now()
        poll.save(update_fields=["is_published", "published_at", "updated_at"])
        audit(
            actor=actor,
            action="poll.published",
            target=poll,
            before={"is_published": False},
            after={"is_published": True},
        )
        if first_time:
            activity.publish(
                "poll.opened",
                actor=actor,
                target_kind=KIND,
                target_id=poll.pk,
                context=_context(poll),
            )
    return poll


def poll_unpublish(*, actor, poll: Poll) -> Poll:
    check_manager(actor)
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if not poll.is_published:
            raise ValidationError(_("This poll is not published."))
        poll.is_published = False
        poll.save(update_fields=["is_published", "updated_at"])
        audit(
            actor=actor,
            action="poll.unpublished",
            target=poll,
            before={"is_published": True},
            after={"is_published": False},
        )
    return poll


def voting_settings_save(*, actor, process: Process, delegation_enabled: bool) -> VotingSettings:
    check_manager(actor)
    with transaction.atomic():
        settings_, _created = VotingSettings.objects.select_for_update().get_or_create(
            process=process
        )
        before = settings_.delegation_enabled
        settings_.delegation_enabled = bool(delegation_enabled)
        settings_.save(update_fields=["delegation_enabled"])
        process.__dict__.pop("_voting_delegation_enabled", None)
        audit(
            actor=actor,
            action="voting.settings_saved",
            target=process,
            before={"delegation_enabled": before},
            after={"delegation_enabled": settings_.delegation_enabled},
        )
    return settings_


# --- Votes --------------------------------------------------------------------------


def _clean_choices(
    poll: Poll, choices: Sequence[int] | None, ranks: Mapping[int, int | None] | None
) -> list[tuple[int, int | None]]:
    """[(option id, rank)] for a valid ballot, or a ValidationError with the reason."""
    option_ids = {o.pk for o in poll.options.all()}
    if poll.kind == Poll.Kind.RANKED:
        ranks = {int(k): v for k, v in (ranks or {}).items() if v not in (None, "")}
        if set(ranks) - option_ids:
            raise ValidationError({"ranks": _("One of the options is not on this poll.")})
        if not ranks:
            raise ValidationError({"ranks": _("Rank at least one option.")})
        cleaned = []
        for option_id, rank in ranks.items():
            try:
                rank = int(rank)
            except (TypeError, ValueError):
                raise ValidationError({"ranks": _("Ranks are whole numbers.")}) from None
            if not 1 <= rank <= len(option_ids):
                raise ValidationError(
                    {
                        "ranks": _("Ranks go from 1 (best) to %(count)s.")
                        % {"count": len(option_ids)}
                    }
                )
            cleaned.append((option_id, rank))
        return sorted(cleaned, key=lambda c: (c[1], c[0]))
    picked = []
    for value in choices or []:
        try:
            picked.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(
                {"choices": _("One of the options is not on this poll.")}
            ) from None
    if len(set(picked)) != len(picked):
        raise ValidationError({"choices": _("Choose each option only once.")})
    if set(picked) - option_ids:
        raise ValidationError({"choices": _("One of the options is not on this poll.")})
    if not picked:
        raise ValidationError(
            {
                "choices": _("Choose an option.")
                if poll.kind == Poll.Kind.SINGLE
                else _("Choose at least one option.")
            }
        )
    if poll.kind == Poll.Kind.SINGLE and len(picked) > 1:
        raise ValidationError({"choices": _("Choose only one option.")})
    if poll.kind == Poll.Kind.APPROVAL and poll.max_choices and len(picked) > poll.max_choices:
        raise ValidationError(
            {
                "choices": _("Choose at most %(count)s options (you chose %(chosen)s).")
                % {"count": poll.max_choices, "chosen": len(picked)}
            }
        )
    return [(option_id, None) for option_id in sorted(picked)]


def vote_cast(
    *,
    actor,
    poll: Poll,
    choices: Sequence[int] | None = None,
    ranks: Mapping[int, int | None] | None = None,
) -> PollVote:
    """Cast or change ``actor``'s vote. Single and approval polls take
    ``choices`` (option ids); ranked polls take ``ranks`` ({option id: rank},
    1 = best, equal ranks tie, unranked options rank below every ranked one).

    One vote per person: two submissions at once leave one vote (the unique
    constraint, then a row lock on the vote while its choices are replaced).
    """
    poll = selectors.poll_get(poll.pk)
    reason = vote_refusal(actor, poll)
    if reason:
        raise PermissionDenied(reason)
    cleaned = _clean_choices(poll, choices, ranks)
    with transaction.atomic():
        try:
            with transaction.atomic():
                vote, created = PollVote.objects.get_or_create(poll=poll, voter=actor)
        except IntegrityError:
            vote, created = PollVote.objects.get(poll=poll, voter=actor), False
        vote = PollVote.objects.select_for_update().get(pk=vote.pk)
        vote.choices.all().delete()
        PollChoice.objects.bulk_create(
            PollChoice(vote=vote, option_id=option_id, rank=rank) for option_id, rank in cleaned
        )
        vote.save(update_fields=["updated_at"])
        # Votes are secret: the audit records that a vote changed, not what it says.
        audit(
            actor=actor,
            action="poll.vote_cast" if created else "poll.vote_changed",
            target=poll,
        )
    return vote


def vote_withdraw(*, actor, poll: Poll) -> bool:
    """Take back one's vote while the poll is open (a delegation, if any,
    counts again). Returns whether there was a vote."""
    poll = selectors.poll_get(poll.pk)
    reason = vote_refusal(actor, poll)
    if reason:
        raise PermissionDenied(reason)
    with transaction.atomic():
        deleted, _rows = PollVote.objects.filter(poll=poll, voter=actor).delete()
        if deleted:
            audit(actor=actor, action="poll.vote_withdrawn", target=poll)
    return bool(deleted)


# --- Delegation ---------------------------------------------------------------------


def _cycle_through(process: Process, delegator: User, delegate: User) -> list[int] | None:
    """The chain from ``delegate`` back to ``delegator``, if one exists."""
    edges = dict(
        Delegation.objects.current()
        .filter(process=process)
        .values_list("delegator_id", "delegate_id")
    )
    chain = [delegate.pk]
    current = edges.get(delegate.pk)
    while current is not None and current not in chain:
        chain.append(current)
        if current == delegator.pk:
            return chain
        current = edges.get(current)
    return None


def delegation_set(*, actor, process: Process, delegate: User) -> Delegation:
    """``actor`` delegates their vote in ``process`` to ``delegate`` (replacing
    a delegation they had). Chains are allowed; a delegation that would close
    a circle is refused."""
    reason = delegation_refusal(actor, process)
    if reason:
        raise PermissionDenied(reason)
    if delegate is None or not delegate.is_active or delegate.blocked_at is not None:
        raise ValidationError({"delegate": _("Choose a participant who can take part.")})
    if delegate.pk == actor.pk:
        raise ValidationError({"delegate": _("You cannot delegate your vote to yourself.")})
    with transaction.atomic():
        # One delegation change at a time per process: two people delegating
        # to each other at the same moment cannot both pass the circle check.
        VotingSettings.objects.select_for_update().get(process=process)
        cycle = _cycle_through(process, actor, delegate)
        if cycle is not None:
            names = dict(User.objects.filter(pk__in=cycle).values_list("pk", "display_name"))
            path = " → ".join(names.get(pk) or _("participant") for pk in cycle)
            raise ValidationError(
                {
                    "delegate": _(
                        "%(name)s already passes their vote on to you (%(path)s → you): "
                        "delegating to them would make a circle, and the votes in it would "
                        "count for nobody."
                    )
                    % {"name": delegate.public_name, "path": path}
                }
            )
        now = timezone.now()
        current = (
            Delegation.objects.current()
            .select_for_update()
            .filter(process=process, delegator=actor)
            .first()
        )
        if current is not None and current.delegate_id == delegate.pk:
            return current
        before = None
        if current is not None:
            before = {"delegate": current.delegate_id}
            current.revoked_at = now
            current.save(update_fields=["revoked_at"])
        delegation = Delegation.objects.create(
            process=process, delegator=actor, delegate=delegate, created_at=now
        )
        audit(
            actor=actor,
            action="voting.delegation_set",
            target=process,
            before=before,
            after={"delegate": delegate.pk},
        )
        activity.publish(
            "voting.delegated",
            actor=actor,
            target_kind="process",
            target_id=process.pk,
            notify=[delegate.pk],
            public=False,
        )
    return delegation


def delegation_revoke(*, actor, process: Process) -> bool:
    """End ``actor``'s delegation in ``process``; whether there was one."""
    reason = participant_refusal(actor, _("revoke your delegation"))
    if reason:
        raise PermissionDenied(reason)
    with transaction.atomic():
        current = (
            Delegation.objects.current()
            .select_for_update()
            .filter(process=process, delegator=actor)
            .first()
        )
        if current is None:
            return False
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        audit(
            actor=actor,
            action="voting.delegation_revoked",
            target=process,
            before={"delegate": current.delegate_id},
            after=None,
        )
    return True


# --- Tallies ------------------------------------------------------------------------


def poll_tally(*, actor, poll: Poll) -> PollTally:
    """Tally ``poll`` and record the rule, the inputs' hash and the outcome.

    ``actor`` None is the system (the ``poll_tally`` command); otherwise a
    process manager. Running it again on a closed poll gives the same outcome.
    """
    if actor is not None:
        check_manager(actor)
    poll = selectors.poll_get(poll.pk)
    results = selectors.poll_results(poll)
    with transaction.atomic():
        tally = PollTally.objects.create(
            poll=poll,
            rule=results.rule,
            input_hash=results.input_hash,
            outcome=results.outcome(),
            created_by=actor,
        )
        audit(
            actor=actor,
            action="poll.tallied",
            target=poll,
            after={"rule": tally.rule, "input_hash": tally.input_hash},
        )
    return tally


def poll_results_publish(*, actor, poll: Poll) -> PollTally:
    """After a poll closes: record its tally and announce the results
    (``poll.results_published``, once)."""
    check_manager(actor)
    poll = selectors.poll_get(poll.pk)
    if not poll.is_closed:
        raise ValidationError(_("The results can be published once the poll has closed."))
    if not poll.is_published:
        raise ValidationError(_("This poll is not published."))
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        tally = poll_tally(actor=actor, poll=poll)
        if locked.results_published_at is None:
            locked.results_published_at = timezone.now()
            locked.save(update_fields=["results_published_at", "updated_at"])
            activity.publish(
                "poll.results_published",
                actor=actor,
                target_kind=KIND,
                target_id=poll.pk,
                context=_context(poll),
                extra={
                    "winners": [
                        tally.outcome["options"][k]["label"] for k in tally.outcome["winners"]
                    ]
                },
            )
    return tally
