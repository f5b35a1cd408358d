import pytest

from wegov.accounts.tests.factories import UserFactory
from wegov.core import events
from wegov.core.activity import ACTIVITY_EVENT
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory

from .factories import PollFactory, enable_delegation


@pytest.fixture
def process(department):
    """A city-wide process in its voting phase, with delegation switched on."""
    process = ProcessFactory(organisation=department, phase=PhaseKind.VOTING, slug="square")
    enable_delegation(process)
    return process


@pytest.fixture
def ranked(process):
    return PollFactory(process=process, kind="ranked", options=["Park", "Market", "Parking"])


@pytest.fixture
def single(process):
    return PollFactory(process=process, kind="single", options=["Yes", "No"])


@pytest.fixture
def approval(process):
    return PollFactory(
        process=process, kind="approval", max_choices=2, options=["Trees", "Benches", "Fountain"]
    )


@pytest.fixture
def people(db):
    """Five participants, by name."""
    return {name: UserFactory(display_name=name) for name in ["Ann", "Ben", "Cas", "Dee", "Eva"]}


@pytest.fixture
def activities():
    seen = []

    def record(**payload):
        seen.append(payload)

    events.subscribe(ACTIVITY_EVENT)(record)
    yield seen
    events.unsubscribe(ACTIVITY_EVENT, record)


def option_ids(poll) -> dict[str, int]:
    return {o.label: o.pk for o in poll.options.all()}
