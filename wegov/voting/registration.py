"""Polls in the contribution registry (activity feed, follows) and the
personal-data registry (votes and delegations in "my data", erased with the account)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core import personal_data, registry

from .models import Delegation, Poll, PollVote


def present(poll: Poll) -> registry.Presentation:
    return registry.Presentation(
        kind="poll",
        id=poll.pk,
        title=poll.title,
        url=reverse("voting:detail", args=[poll.process.slug, poll.pk]),
        status=poll.state(),
        summary=poll.description[:200],
        category=poll.process.topic.slug if poll.process.topic_id else "",
        district=poll.process.district.slug if poll.process.district_id else "",
        public=poll.is_published and poll.process.is_published,
        process_id=poll.process_id,
        author_id=None,
    )


registry.register(
    registry.ContributionKind(
        kind="poll",
        label=_("Poll"),
        model=Poll,
        author_field="created_by",
        present=present,
        export_fields=(),
        # Polls are written by process managers: no comments, no flags, not on the map.
        hidden_field="is_hidden",
        flaggable=False,
    )
)


def _export(user) -> dict:
    votes = (
        PollVote.objects.filter(voter=user)
        .select_related("poll")
        .prefetch_related("choices__option")
        .order_by("created_at")
    )
    delegations = (
        Delegation.objects.filter(delegator=user)
        .select_related("process", "delegate")
        .order_by("created_at")
    )
    return {
        "poll_votes": [
            {
                "poll": vote.poll.title,
                "cast_at": vote.created_at.isoformat(),
                "changed_at": vote.updated_at.isoformat(),
                "choices": [
                    {"option": c.option.label, "rank": c.rank}
                    for c in sorted(vote.choices.all(), key=lambda c: (c.rank or 0, c.option_id))
                ],
            }
            for vote in votes
        ],
        "delegations": [
            {
                "process": d.process.title,
                "delegate": d.delegate.public_name,
                "since": d.created_at.isoformat(),
                "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None,
            }
            for d in delegations
        ],
    }


def _erase(user) -> None:
    """Delegations from and to the person end; their votes go (CASCADE would
    do it when the row is deleted, but erasure anonymises the row instead)."""
    PollVote.objects.filter(voter=user).delete()
    Delegation.objects.filter(delegator=user).delete()
    Delegation.objects.filter(delegate=user).delete()


personal_data.register_section(
    personal_data.PersonalDataSection("voting", _export, _erase, order=65)
)
