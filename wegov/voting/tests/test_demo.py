"""The demo polls, loaded after the places, accounts and processes demos."""

import io
import random

import pytest
from django.urls import reverse

from wegov.accounts import demo as accounts_demo
from wegov.core.management.commands.load_demo import DEMO_PASSWORD, DemoContext
from wegov.places import demo as places_demo
from wegov.processes import demo as processes_demo
from wegov.voting import demo as voting_demo
from wegov.voting import schulze, selectors
from wegov.voting.models import Poll, PollTally

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo = DemoContext(rng=random.Random(2026), password=DEMO_PASSWORD, stdout=io.StringIO())
    for module in (places_demo, accounts_demo, processes_demo, voting_demo):
        module.load(demo)
    return demo


def test_closed_ranked_poll_has_a_non_trivial_schulze_result(demo, client):
    poll = Poll.objects.get(process__slug="playgrounds-zuidveld")
    assert poll.is_closed and poll.results_published_at is not None
    results = selectors.poll_results(poll)
    labels = [[r.option.label for r in group] for group in results.ranking]
    assert labels == [[label] for label in voting_demo.PLAYGROUND_OPTIONS]
    # No Condorcet winner: the pairwise majorities go round in a circle ...
    d = results.schulze.pairwise
    keys = [r.key for r in results.options]
    assert not any(all(d[x][y] > d[y][x] for y in keys if y != x) for x in keys)
    # ... and first preferences tie between the two first options.
    first = {r.option.label: r.total for r in results.options}
    assert first["Adventure playground in Park Zuid"] == first["Water play on the market square"]
    # Delegations: the chain 3 → 2 → 1 carries two votes; 5 → 4 one; 8 voted himself.
    assert results.direct_voters == 5 and results.delegated_weight == 3
    recorded = PollTally.objects.get(poll=poll)
    assert recorded.input_hash == results.input_hash
    assert recorded.outcome == results.outcome()
    response = client.get(reverse("voting:results", args=[poll.process.slug, poll.pk]))
    assert response.status_code == 200


def test_polls_open_now(demo, client):
    bridge = demo.shared["processes"]["footbridge-linde"]
    approval = Poll.objects.get(process=bridge, kind="approval")
    ranked = Poll.objects.get(process=bridge, kind="ranked")
    assert approval.is_open and ranked.is_open
    assert bridge.allows("vote")
    assert selectors.poll_results(ranked).delegated_weight >= 1
    citizen = demo.shared["citizens"][0]
    assert not approval.votes.filter(voter=citizen).exists()
    response = client.get(reverse("processes:detail", args=[bridge.slug]))
    assert approval.title in response.content.decode()


def test_schulze_module_agrees_on_the_demo_ballots():
    ballots = []
    weights = {1: 3, 4: 2, 6: 1, 7: 1, 8: 1}
    for voter, ranking in voting_demo.PLAYGROUND_VOTES:
        ballots.append(schulze.Ballot.of([str(i) for i in ranking], weight=weights[voter]))
    result = schulze.tally(["0", "1", "2", "3"], ballots)
    assert result.ranking == (("0",), ("1",), ("2",), ("3",))
