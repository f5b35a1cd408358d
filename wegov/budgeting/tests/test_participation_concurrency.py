"""One ballot per voter under simultaneous submissions.

On PostgreSQL the submissions run in parallel threads with their own
connections (real row locks); SQLite serialises writers, so there the same
jobs run one after another and must give the same result.
"""

import threading

import pytest
from django.db import connection, connections

from wegov.budgeting import participation as p
from wegov.budgeting.models import Ballot, BallotChoice, Budget
from wegov.residency.tests.factories import make_resident

from .factories import BudgetProjectFactory
from .participation_helpers import budget_in

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs):
    """Run the callables at the same moment (threads on PostgreSQL, in turn on SQLite)."""
    results = [None] * len(jobs)
    if connection.vendor != "postgresql":
        for index, job in enumerate(jobs):
            try:
                results[index] = job()
            except Exception as exc:  # reported to the test
                results[index] = exc
        return results
    barrier = threading.Barrier(len(jobs))

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
    return Budget.objects.get(pk=pk)


def test_two_simultaneous_submissions_leave_one_ballot():
    budget = budget_in("voting")
    a, b = BudgetProjectFactory(budget=budget), BudgetProjectFactory(budget=budget)
    voter = make_resident()
    results = run_together(
        [
            lambda: p.ballot_cast(actor=voter, budget=fresh(budget.pk), selection={a.pk: 1}),
            lambda: p.ballot_cast(actor=voter, budget=fresh(budget.pk), selection={b.pk: 1}),
        ]
    )
    assert all(isinstance(r, Ballot) for r in results), results
    assert results[0].pk == results[1].pk
    assert results[0].receipt_code == results[1].receipt_code
    ballot = Ballot.objects.get()
    # Exactly one of the two selections, whole: never a mix, never both.
    assert list(BallotChoice.objects.filter(ballot=ballot).values_list("project", flat=True)) in (
        [a.pk],
        [b.pk],
    )


def test_many_submissions_by_one_voter_and_others():
    budget = budget_in("voting")
    project = BudgetProjectFactory(budget=budget)
    voter = make_resident()
    others = [make_resident() for _ in range(4)]
    jobs = [lambda: p.ballot_cast(actor=voter, budget=fresh(budget.pk), selection={project.pk: 1})]
    jobs *= 6
    jobs += [
        lambda o=o: p.ballot_cast(actor=o, budget=fresh(budget.pk), selection={project.pk: 1})
        for o in others
    ]
    results = run_together(jobs)
    assert all(isinstance(r, Ballot) for r in results), results
    assert Ballot.objects.filter(voter=voter).count() == 1
    assert Ballot.objects.count() == 5
    assert BallotChoice.objects.count() == 5
