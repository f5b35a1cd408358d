import datetime as dt

import factory
from django.utils import timezone

from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.voting.models import Delegation, Poll, PollOption, VotingSettings


class PollFactory(factory.django.DjangoModelFactory):
    """A published, open ranked poll in a process in its voting phase, with
    options A, B, C (give ``options=[...]`` for others)."""

    class Meta:
        model = Poll
        skip_postgeneration_save = True

    process = factory.SubFactory(ProcessFactory, phase=PhaseKind.VOTING)
    title = factory.Sequence(lambda n: f"Which plan for the square? {n}")
    description = "Three plans are on the table."
    kind = Poll.Kind.RANKED
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=5))
    is_published = True
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if not create:
            return
        for i, label in enumerate(extracted or ["A", "B", "C"]):
            PollOption.objects.create(poll=self, label=label, position=i)


def enable_delegation(process) -> VotingSettings:
    settings_, _ = VotingSettings.objects.update_or_create(
        process=process, defaults={"delegation_enabled": True}
    )
    process.__dict__.pop("_voting_delegation_enabled", None)
    return settings_


def delegate(process, delegator, delegate_to, **kwargs) -> Delegation:
    return Delegation.objects.create(
        process=process, delegator=delegator, delegate=delegate_to, **kwargs
    )
