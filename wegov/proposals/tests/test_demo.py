"""The demo proposals: believable, consistent counts, and quiet (no events)."""

import io
import random

import pytest
from django.db.models import Count

from wegov.accounts import demo as accounts_demo
from wegov.core.management.commands.load_demo import DEMO_PASSWORD, DemoContext
from wegov.core.pagecache import public_pages
from wegov.places import demo as places_demo
from wegov.places.selectors import district_at
from wegov.processes import demo as processes_demo
from wegov.proposals import demo as proposals_demo
from wegov.proposals.models import Coauthorship, Proposal
from wegov.proposals.search import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    context = DemoContext(rng=random.Random(2026), password=DEMO_PASSWORD, stdout=io.StringIO())
    with django_capture_on_commit_callbacks() as callbacks:
        for module in (places_demo, accounts_demo, processes_demo, proposals_demo):
            module.load(context)
    context.callbacks = callbacks
    return context


def test_demo_proposals(demo):
    proposals = demo.shared["proposals"]
    assert 55 <= len(proposals) <= 70
    by_process = dict(
        Proposal.objects.values_list("process__slug").annotate(n=Count("id")).order_by()
    )
    assert set(by_process) == {"car-free-marktplein", "green-westwijk", "cycling-plan-2026"}
    assert by_process["car-free-marktplein"] >= 25

    # Counts are exact.
    for proposal in Proposal.objects.annotate(n=Count("supports")):
        assert proposal.support_count == proposal.n
        threshold = proposal.process.support_threshold
        assert (proposal.qualified_at is not None) == (proposal.n >= threshold)
    assert Proposal.objects.filter(qualified_at__isnull=False).count() >= 5

    states = set(Proposal.objects.values_list("answer_state", flat=True))
    assert states == {"not_answered", "evaluating", "accepted", "rejected"}
    for proposal in Proposal.objects.exclude(answer_state="not_answered"):
        assert proposal.answered_by is not None and proposal.answered_at is not None
        assert proposal.answered_by.memberships.filter(
            organisation=proposal.process.organisation
        ).exists()
    assert not Proposal.objects.filter(answer_state__in=["accepted", "rejected"], answer_text="")
    assert Proposal.objects.filter(state="withdrawn").count() == 1
    assert not Proposal.objects.filter(
        process__slug="cycling-plan-2026", answer_state="not_answered"
    ).exists()

    # Westwijk only takes supports from verified residents, and stays in Westwijk.
    westwijk = Proposal.objects.filter(process__slug="green-westwijk")
    assert {p.district.slug for p in westwijk} == {"westwijk"}
    for proposal in westwijk:
        assert not proposal.supports.filter(user__verified_resident_since__isnull=True).exists()
    for proposal in Proposal.objects.exclude(lat=None):
        assert district_at(proposal.lat, proposal.lon) == proposal.district

    assert Coauthorship.objects.filter(accepted_at__isnull=False).exists()
    assert search(Proposal.objects.all(), "lime trees").exists(), "the search index is filled"
    published = [c for c in demo.callbacks if c != public_pages.bump]
    assert not published, "loading the demo publishes nothing"
