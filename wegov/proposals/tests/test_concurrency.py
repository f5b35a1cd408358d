"""Supports under concurrent clicks stay exact (PostgreSQL: real row locks and
parallel transactions; SQLite serialises writers, so these run on PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from wegov.accounts.tests.factories import UserFactory
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals import services
from wegov.proposals.models import Proposal, Support

from .factories import ProposalFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def run_together(jobs):
    """Run the callables in threads released at the same moment; return results/errors."""
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


def fresh(pk):
    return Proposal.objects.select_related("process").get(pk=pk)


def test_many_people_support_at_once(monkeypatch):
    published = []
    monkeypatch.setattr(services, "publish", lambda verb, **kw: published.append(verb))
    proposal = ProposalFactory(process=ProcessFactory(support_threshold=10))
    people = UserFactory.create_batch(16)
    results = run_together(
        [lambda p=p: services.support_add(actor=p, proposal=fresh(proposal.pk)) for p in people]
    )
    assert results == [True] * 16
    proposal.refresh_from_db()
    assert proposal.support_count == 16 == Support.objects.filter(proposal=proposal).count()
    assert proposal.qualified_at is not None
    assert published.count("proposal.qualified") == 1


def test_one_person_clicking_many_times_counts_once():
    proposal = ProposalFactory()
    person = UserFactory()
    results = run_together(
        [lambda: services.support_add(actor=person, proposal=fresh(proposal.pk))] * 10
    )
    assert sorted(map(str, results)) == ["False"] * 9 + ["True"]
    proposal.refresh_from_db()
    assert proposal.support_count == 1 == Support.objects.count()


def test_adding_and_removing_at_once_stays_exact():
    proposal = ProposalFactory()
    stayers = UserFactory.create_batch(6)
    leavers = UserFactory.create_batch(6)
    for person in leavers:
        services.support_add(actor=person, proposal=fresh(proposal.pk))
    jobs = [lambda p=p: services.support_add(actor=p, proposal=fresh(proposal.pk)) for p in stayers]
    jobs += [
        lambda p=p: services.support_remove(actor=p, proposal=fresh(proposal.pk)) for p in leavers
    ]
    jobs += [
        lambda p=p: services.support_remove(actor=p, proposal=fresh(proposal.pk)) for p in leavers
    ]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    proposal.refresh_from_db()
    assert proposal.support_count == 6 == Support.objects.count()
    assert set(Support.objects.values_list("user_id", flat=True)) == {p.pk for p in stayers}
