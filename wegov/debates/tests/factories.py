import factory
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.debates.models import Debate
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory


class DebateFactory(factory.django.DjangoModelFactory):
    """An open citizen debate in a published process in its debate phase.
    ``closed=True`` closes it with a conclusion; ``official=True`` makes it
    opened by the process's organisation."""

    class Meta:
        model = Debate

    class Params:
        official = factory.Trait(
            opened_by_organisation=factory.LazyAttribute(lambda o: o.process.organisation)
        )
        closed = factory.Trait(
            state=Debate.State.CLOSED,
            conclusion="We keep the square car-free on Saturdays.",
            closed_at=factory.LazyFunction(timezone.now),
        )

    process = factory.SubFactory(ProcessFactory, phase=PhaseKind.DEBATE)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Should the market square be car-free? ({n})")
    description = "Cars park on the square every day. Should they?"
