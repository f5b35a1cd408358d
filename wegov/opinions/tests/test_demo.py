"""The demo conversation, loaded after the places, accounts and processes demos."""

import io
import random
from collections import Counter

import pytest
from sklearn.metrics import adjusted_rand_score

from wegov.accounts import demo as accounts_demo
from wegov.core.management.commands.load_demo import DEMO_PASSWORD, DemoContext
from wegov.opinions import demo as opinions_demo
from wegov.opinions.models import (
    Conversation,
    OpinionAnalysis,
    Participant,
    Statement,
    Vote,
)
from wegov.places import demo as places_demo
from wegov.processes import demo as processes_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo = DemoContext(rng=random.Random(2026), password=DEMO_PASSWORD, stdout=io.StringIO())
    for module in (places_demo, accounts_demo, processes_demo, opinions_demo):
        module.load(demo)
    return demo


def _votes(conversation) -> list[tuple[int, int, int]]:
    return sorted(
        Vote.objects.filter(conversation=conversation).values_list(
            "participant__number", "statement__number", "value"
        )
    )


def test_the_conversation_in_the_car_free_process(demo):
    conversation = Conversation.objects.get(slug=opinions_demo.SLUG)
    assert conversation.topic == "A car-free city centre?"
    assert conversation.process == demo.shared["processes"]["car-free-marktplein"]
    assert conversation.is_public and conversation.is_open and conversation.allow_anonymous
    assert conversation.moderation == Conversation.Moderation.PRE
    statements = conversation.statements
    assert statements.filter(is_seed=True, state="accepted").count() == 24
    assert statements.filter(is_seed=False, state="accepted").count() == 3
    pending = statements.get(state=Statement.State.PENDING)
    assert pending.text == opinions_demo.PENDING and pending.author_participant is not None
    rejected = statements.get(state=Statement.State.REJECTED)
    assert rejected.rejection_reason and rejected.moderated_by.is_moderator
    # Every participant-written statement was written by someone who had joined.
    for written in statements.filter(is_seed=False):
        assert written.author_participant.created_at < written.created_at
    assert "1 conversation with 27 statements, 301 participants" in demo.stdout.getvalue()


def test_300_simulated_participants_in_3_groups_with_sparse_votes(demo):
    conversation = Conversation.objects.get(slug=opinions_demo.SLUG)
    truth = opinions_demo.simulated_groups()
    assert len(truth) == 300
    assert Counter(truth.values()) == {1: 125, 2: 105, 3: 70}
    assert conversation.participants.count() == 301
    per_participant = Counter(n for n, _s, _v in _votes(conversation))
    simulated = [per_participant[n] for n in truth]
    assert min(simulated) >= 8 and max(simulated) <= 24
    values = Counter(v for _n, _s, v in _votes(conversation))
    assert values[0] > 0.05 * sum(values.values())  # some pass
    # The groups' majorities follow their stances on a statement they disagree on.
    first = {n: v for n, s, v in _votes(conversation) if s == 1}
    for label, expected in ((1, 1), (2, -1), (3, -1)):
        said = Counter(v for n, v in first.items() if truth.get(n) == label)
        assert said.most_common(1)[0][0] == expected, label
    # Votes only on shown statements, never on pending or rejected ones.
    assert (
        not Vote.objects.filter(conversation=conversation)
        .exclude(statement__state="accepted")
        .exists()
    )
    # The demo's citizen accounts took part; the others are anonymous browsers.
    with_account = conversation.participants.filter(user__isnull=False).count()
    assert with_account == len(demo.shared["citizens"]) < 100
    assert conversation.participants.filter(user__isnull=True, browser_key="").count() == 0


def test_the_demo_citizen_has_voted_on_8_statements(demo):
    citizen = demo.shared["citizens"][0]
    assert citizen.email == "citizen@lindenbrug.example"
    participant = Participant.objects.get(user=citizen)
    assert participant.votes.count() == 8
    shown = participant.conversation.statements.shown().count()
    assert shown - participant.votes.count() >= 19  # still plenty to vote on


def test_the_demo_is_deterministic(demo):
    conversation = Conversation.objects.get(slug=opinions_demo.SLUG)
    first = _votes(conversation)
    keys = set(conversation.participants.values_list("browser_key", flat=True))
    conversation.delete()
    opinions_demo.load(demo)
    again = Conversation.objects.get(slug=opinions_demo.SLUG)
    assert _votes(again) == first
    assert set(again.participants.values_list("browser_key", flat=True)) == keys


def test_without_the_process_the_conversation_stands_alone():
    demo = DemoContext(rng=random.Random(1), password=DEMO_PASSWORD, stdout=io.StringIO())
    opinions_demo.load(demo)
    conversation = Conversation.objects.get(slug=opinions_demo.SLUG)
    assert conversation.process is None and conversation.is_public
    assert conversation.participants.count() == 300


def test_the_analysis_finds_the_3_simulated_groups(demo):
    conversation = Conversation.objects.get(slug=opinions_demo.SLUG)
    analysis = OpinionAnalysis.objects.get(conversation=conversation)
    assert analysis.group_count == 3
    assert analysis.participant_count == 301 and analysis.grouped_count == 301
    assert "; 3 opinion groups" in demo.stdout.getvalue()
    found = {
        member: group["label"] for group in analysis.result["groups"] for member in group["members"]
    }
    truth = opinions_demo.simulated_groups()
    numbers = sorted(truth)
    ari = adjusted_rand_score([truth[n] for n in numbers], [found[n] for n in numbers])
    assert ari >= 0.9, ari
    # The demo citizen voted as the car-light group does, and is placed with it.
    citizen = Participant.objects.get(user=demo.shared["citizens"][0])
    car_light = Counter(found[n] for n in numbers if truth[n] == 2).most_common(1)[0][0]
    assert found[citizen.number] == car_light
    # Every group agrees on deliveries in the morning, parking for disabled people
    # and emergency services.
    consensus = {c["statement"] for c in analysis.result["consensus"]}
    assert {2, 3, 19} <= consensus, consensus
