"""opinions.tasks: recomputation is debounced, queued after commit, and stores an analysis."""

import pytest
from django.core.cache import cache

from wegov.opinions import tasks
from wegov.opinions.models import OpinionAnalysis
from wegov.opinions.synthetic import planted
from wegov.opinions.tests.test_analysis import fill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def queued(monkeypatch):
    """Record what would go to the broker instead of running it."""
    calls = []

    def apply_async(*, args, countdown):
        calls.append((args, countdown))

    monkeypatch.setattr(tasks.recompute_conversation, "apply_async", apply_async)
    return calls


def test_second_call_within_the_window_queues_nothing(queued):
    assert tasks.schedule_recompute(7) is True
    assert tasks.schedule_recompute(7) is False
    assert tasks.schedule_recompute(7) is False
    assert queued == [((7,), tasks.RECOMPUTE_DEBOUNCE_SECONDS)]
    # Another conversation has its own window.
    assert tasks.schedule_recompute(8) is True
    assert queued[-1] == ((8,), tasks.RECOMPUTE_DEBOUNCE_SECONDS)


def test_a_call_after_the_task_started_queues_again(queued, monkeypatch):
    ran = []
    monkeypatch.setattr("wegov.opinions.analysis.recompute", lambda pk: ran.append(pk))
    assert tasks.schedule_recompute(7) is True
    assert tasks.recompute_conversation(7) is None
    assert ran == [7]
    assert tasks.schedule_recompute(7) is True
    assert len(queued) == 2


def test_the_queued_mark_outlives_the_countdown():
    assert tasks.QUEUED_MARK_SECONDS > tasks.RECOMPUTE_DEBOUNCE_SECONDS


def test_eager_execution_stores_an_analysis(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.DEBUG = False
    conversation, _, _ = fill(planted(participants=60, statements=20, groups=2, seed=1,
                                      density=(0.5, 1.0)))  # fmt: skip
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(lambda: tasks.schedule_recompute(conversation.pk))
        assert not OpinionAnalysis.objects.exists()  # nothing before the commit
    stored = OpinionAnalysis.objects.get(conversation=conversation)
    assert stored.grouped_count == 60
    # The task cleared its mark: the next vote queues (and here runs) again.
    assert tasks.schedule_recompute(conversation.pk) is True
    assert OpinionAnalysis.objects.filter(conversation=conversation).count() == 2


def test_task_for_a_deleted_conversation_does_nothing():
    assert tasks.recompute_conversation(123456) is None
    assert not OpinionAnalysis.objects.exists()
