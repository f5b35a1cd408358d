import pytest

from wegov.core import events
from wegov.core.activity import ACTIVITY_EVENT, VISIBILITY_EVENT

from .factories import report_by


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.WEGOV_MODERATION_HIDE_AFTER_FLAGS = 3
    return 3


@pytest.fixture
def report(citizen):
    """A problem report written by ``citizen``."""
    return report_by(citizen, title="Broken bench at the station")


@pytest.fixture
def captured():
    """Every moderation-related event, recorded after commit as (name, payload)."""
    seen = []
    names = [VISIBILITY_EVENT, ACTIVITY_EVENT, "user.blocked", "user.unblocked"]
    handlers = {}
    for name in names:

        def handler(_name=name, **payload):
            seen.append((_name, payload))

        handlers[name] = handler
        events.subscribe(name)(handler)
    yield seen
    for name, handler in handlers.items():
        events.unsubscribe(name, handler)
