"""Tracking the same source twice at once leaves one result; concurrent status
updates keep the public log a consistent chain."""

import itertools
import threading

import pytest
from django.db import connection, connections

from wegov.accountability import services
from wegov.accountability.models import Result

from .factories import ResultFactory


def test_a_source_tracked_in_between_wins(accepted_proposal, staff, monkeypatch, db):
    """The insert hits the unique constraint: the other's result is returned."""
    real_refusal = services.source_refusal
    other = {}

    def refusal_then_someone_else_tracks(source):
        other["result"] = ResultFactory(
            process=accepted_proposal.process, source_kind="proposal", source_id=source.pk
        )
        return real_refusal(source)

    monkeypatch.setattr(services, "source_refusal", refusal_then_someone_else_tracks)
    result = services.result_track(actor=staff, source=accepted_proposal)
    assert result.pk == other["result"].pk
    assert Result.objects.count() == 1


def run_together(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # reported to the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_concurrent_tracking_makes_one_result(accepted_proposal, staff, monkeypatch):
    monkeypatch.setattr(services, "publish", lambda *a, **kw: None)
    results = run_together(
        [lambda: services.result_track(actor=staff, source=accepted_proposal) for _ in range(6)]
    )
    assert all(isinstance(r, Result) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Result.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_concurrent_updates_keep_the_log_a_chain(result, staff, monkeypatch):
    monkeypatch.setattr(services, "publish", lambda *a, **kw: None)
    outcomes = run_together(
        [
            lambda p=p: services.result_update_status(
                actor=staff,
                result=Result.objects.get(pk=result.pk),
                status="in_progress",
                progress=p,
                note=f"Step {p}",
            )
            for p in (10, 20, 30, 40)
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    log = list(result.updates.order_by("created_at", "id"))
    assert len(log) == 4
    for earlier, later in itertools.pairwise(log):
        assert later.previous_progress == earlier.progress
    result.refresh_from_db()
    assert result.progress == log[-1].progress
