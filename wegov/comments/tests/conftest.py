"""A commentable kind for the comments tests that does not depend on proposals
or debates: reports, re-registered for the test with a comment policy."""

import dataclasses

import pytest

from wegov.core import activity, events, registry
from wegov.reports.tests.factories import ReportFactory


class Policy:
    """The test kind's comment policy; set ``reason`` to close comments."""

    def __init__(self):
        self.reason = None
        self.calls = 0

    def __call__(self, user, obj):
        self.calls += 1
        return self.reason


@pytest.fixture
def policy():
    return Policy()


def _use(kind):
    registry.unregister(kind.kind)
    registry.register(kind)


@pytest.fixture
def commentable(policy):
    """Reports take comments with a stance, for the duration of the test."""
    original = registry.get_kind("report")
    _use(dataclasses.replace(original, comment_policy=policy, comment_stances=True))
    yield registry.get_kind("report")
    _use(original)


@pytest.fixture
def plain_commentable(policy):
    """Reports take comments without a stance."""
    original = registry.get_kind("report")
    _use(dataclasses.replace(original, comment_policy=policy, comment_stances=False))
    yield registry.get_kind("report")
    _use(original)


@pytest.fixture
def target(db, commentable):
    return ReportFactory(title="Broken paving on Market Street")


@pytest.fixture
def published():
    """Activities published (after commit) as dicts, and count events."""
    seen = {"activity": [], "counts": []}

    def on_activity(**payload):
        seen["activity"].append(payload)

    def on_count(**payload):
        seen["counts"].append(payload)

    events.subscribe(activity.ACTIVITY_EVENT)(on_activity)
    events.subscribe("comment.count_changed")(on_count)
    yield seen
    events.unsubscribe(activity.ACTIVITY_EVENT, on_activity)
    events.unsubscribe("comment.count_changed", on_count)


def verbs(seen) -> list[str]:
    return [a["verb"] for a in seen["activity"]]
