"""One vote per person and no delegation circle under simultaneous requests
(PostgreSQL: real row locks and parallel transactions; SQLite serialises
writers, so these run on PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from wegov.accounts.tests.factories import UserFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.voting import selectors, services
from wegov.voting.models import Delegation, PollChoice, PollVote

from .factories import PollFactory, enable_delegation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


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


def test_simultaneous_votes_by_one_person_leave_one_vote():
    poll = PollFactory(kind="ranked", options=["A", "B", "C"])
    person = UserFactory()
    ids = [o.pk for o in poll.options.all()]
    ballots = [{ids[i % 3]: 1, ids[(i + 1) % 3]: 2} for i in range(8)]
    results = run_together(
        [
            lambda b=b: services.vote_cast(actor=person, poll=selectors.poll_get(poll.pk), ranks=b)
            for b in ballots
        ]
    )
    assert all(isinstance(r, PollVote) for r in results), results
    assert PollVote.objects.filter(poll=poll, voter=person).count() == 1
    chosen = list(PollChoice.objects.filter(vote__poll=poll).values_list("option_id", "rank"))
    # Exactly one of the submitted ballots, whole.
    assert len(chosen) == 2
    assert {dict(chosen)[k] for k in dict(chosen)} == {1, 2}
    assert dict(chosen) in ballots


def test_simultaneous_opposite_delegations_make_no_circle():
    process = ProcessFactory(phase=PhaseKind.VOTING)
    enable_delegation(process)
    ann, ben = UserFactory(), UserFactory()
    results = run_together(
        [
            lambda: services.delegation_set(actor=ann, process=process, delegate=ben),
            lambda: services.delegation_set(actor=ben, process=process, delegate=ann),
        ]
    )
    assert sum(isinstance(r, Delegation) for r in results) == 1
    assert Delegation.objects.current().filter(process=process).count() == 1
