"""One census entry or code verifies one person, even when two people submit
it at the same moment (PostgreSQL: real row locks and parallel transactions;
SQLite serialises writers, so these run on PostgreSQL only)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from wegov.accounts.tests.factories import UserFactory
from wegov.residency import services
from wegov.residency.models import CensusEntry, CodeLetter, Residence

from .factories import CensusListFactory, census_entry, code_letter

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


def test_census_entry_claimed_once_by_many_people(city):
    census_entry(CensusListFactory(), city)
    people = UserFactory.create_batch(6)
    results = run_together(
        [
            lambda p=p: services.census_verify(
                actor=p, identifier="AB123456", birth_date=dt.date(1980, 2, 29)
            )
            for p in people
        ]
    )
    winners = [r for r in results if isinstance(r, Residence)]
    assert len(winners) == 1
    assert all(isinstance(r, ValidationError) for r in results if r not in winners)
    entry = CensusEntry.objects.get()
    assert Residence.objects.get().user == entry.claimed_by == winners[0].user


def test_code_used_once_by_many_people(city):
    code_letter(city)
    people = UserFactory.create_batch(6)
    results = run_together(
        [lambda p=p: services.code_redeem(actor=p, code="ABCD-EFGH-JKMN") for p in people]
    )
    winners = [r for r in results if isinstance(r, Residence)]
    assert len(winners) == 1
    assert Residence.objects.get().user == CodeLetter.objects.get().used_by


def test_one_person_submitting_twice_gets_one_residence(city):
    census_entry(CensusListFactory(), city)
    person = UserFactory()
    results = run_together(
        [
            lambda: services.census_verify(
                actor=person, identifier="AB123456", birth_date=dt.date(1980, 2, 29)
            )
        ]
        * 4
    )
    assert all(isinstance(r, Residence) for r in results), results
    assert Residence.objects.count() == 1
    assert CensusEntry.objects.get().claimed_by == person
