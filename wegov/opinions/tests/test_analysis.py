"""opinions.analysis.recompute: votes from the database to a stored OpinionAnalysis."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from wegov.opinions import analysis
from wegov.opinions.models import Conversation, OpinionAnalysis, Participant, Statement, Vote
from wegov.opinions.synthetic import planted

pytestmark = pytest.mark.django_db


def fill(conv, *, slug="c", number_offset=100, statement_offset=10):
    """A conversation holding a planted one; participant i is number i + offset."""
    conversation = Conversation.objects.create(slug=slug, topic="Topic", is_published=True)
    participants = Participant.objects.bulk_create(
        Participant(conversation=conversation, number=i + number_offset)
        for i in range(conv.n_participants)
    )
    statements = Statement.objects.bulk_create(
        Statement(
            conversation=conversation,
            number=j + statement_offset,
            text=f"Statement {j}",
            state=Statement.State.ACCEPTED,
        )
        for j in range(conv.n_statements)
    )
    Vote.objects.bulk_create(
        Vote(
            conversation=conversation,
            participant=participants[r],
            statement=statements[c],
            value=int(v),
        )
        for r, c, v in zip(conv.rows, conv.cols, conv.values, strict=True)
    )
    return conversation, participants, statements


def test_recompute_stores_the_groups_by_number():
    conv = planted(participants=120, statements=30, groups=3, seed=1, density=(0.5, 1.0))
    conversation, _, _ = fill(conv)
    stored = analysis.recompute(conversation.pk)
    assert stored == OpinionAnalysis.objects.filter(conversation=conversation).first()
    doc = stored.result
    assert stored.group_count == len(doc["groups"]) == 3
    assert stored.vote_count == len(conv.values)
    assert stored.participant_count == stored.grouped_count == 120
    assert 0 < stored.silhouette <= 1 and stored.seconds >= 0
    assert len(stored.input_hash) == 64
    found = {m: g["label"] for g in doc["groups"] for m in g["members"]}
    assert set(found) == set(range(100, 220))
    members = sorted(found)
    assert (
        adjusted_rand_score(conv.groups[np.array(members) - 100], [found[m] for m in members]) > 0.9
    )
    assert set(doc["statements"]) == {str(n) for n in range(10, 40)}


def test_hidden_and_unaccepted_statements_are_left_out():
    conv = planted(participants=60, statements=20, groups=2, seed=2, density=(0.5, 1.0))
    conversation, _, statements = fill(conv)
    statements[0].is_hidden = True
    statements[0].save(update_fields=["is_hidden"])
    statements[1].state = Statement.State.PENDING
    statements[1].save(update_fields=["state"])
    statements[2].state = Statement.State.REJECTED
    statements[2].rejection_reason = "Off topic"
    statements[2].save(update_fields=["state", "rejection_reason"])
    stored = analysis.recompute(conversation.pk)
    assert set(stored.result["statements"]) == {str(n) for n in range(13, 30)}
    assert stored.vote_count == int(np.sum(conv.cols >= 3))


def test_votes_of_other_conversations_are_not_read():
    conv = planted(participants=60, statements=20, groups=2, seed=3, density=(0.5, 1.0))
    conversation, _, _ = fill(conv, slug="one")
    other, _, _ = fill(
        planted(participants=50, statements=20, groups=2, seed=4, density=(0.5, 1.0)), slug="two"
    )
    assert analysis.recompute(conversation.pk).vote_count == len(conv.values)
    assert analysis.recompute(other.pk).participant_count == 50


def test_too_few_participants_store_nothing():
    conv = planted(participants=3, statements=10, groups=2, seed=5, density=(1, 1))
    conversation, _, _ = fill(conv)
    assert analysis.recompute(conversation.pk) is None
    assert not OpinionAnalysis.objects.exists()
    empty = Conversation.objects.create(slug="empty", topic="Nothing yet")
    assert analysis.recompute(empty.pk) is None
    assert analysis.recompute(empty.pk + 1000) is None  # deleted meanwhile


def test_labels_follow_the_previous_analysis():
    conv = planted(participants=150, statements=40, groups=3, seed=6, density=(0.5, 1.0))
    conversation, participants, statements = fill(conv)
    first = analysis.recompute(conversation.pk)
    # Permute the stored labels, as if earlier analyses had named the groups otherwise.
    relabel = {1: 2, 2: 3, 3: 1}
    for group in first.result["groups"]:
        group["label"] = relabel[group["label"]]
    first.save(update_fields=["result"])
    # New votes: a new participant votes on everything like participant 0.
    newcomer = Participant.objects.create(conversation=conversation, number=999)
    zero_votes = {v.statement_id: v.value for v in participants[0].votes.all()}
    Vote.objects.bulk_create(
        Vote(conversation=conversation, participant=newcomer, statement=s, value=value)
        for s in statements
        if (value := zero_votes.get(s.pk)) is not None
    )
    second = analysis.recompute(conversation.pk)
    before = {m: g["label"] for g in first.result["groups"] for m in g["members"]}
    after = {m: g["label"] for g in second.result["groups"] for m in g["members"]}
    assert all(after[m] == label for m, label in before.items())
    assert after[999] == after[100]
    assert second.input_hash != first.input_hash


def test_input_hash_reads_the_matrix_not_its_order():
    p, s, v = np.array([1, 2, 3]), np.array([5, 5, 6]), np.array([1, -1, 0])
    digest = analysis.input_hash(p, s, v, 7)
    assert analysis.input_hash(p[::-1], s[::-1], v[::-1], 7) == digest
    assert analysis.input_hash(p, s, np.array([1, -1, 1]), 7) != digest
    assert analysis.input_hash(p, s, v, 6) != digest


def test_only_the_latest_analyses_are_kept(monkeypatch):
    monkeypatch.setattr(analysis, "KEEP_ANALYSES", 3)
    conversation, _, _ = fill(
        planted(participants=40, statements=20, groups=2, seed=7, density=(0.5, 1.0))
    )
    other, _, _ = fill(
        planted(participants=40, statements=20, groups=2, seed=8, density=(0.5, 1.0)), slug="o"
    )
    kept_other = analysis.recompute(other.pk)
    made = [analysis.recompute(conversation.pk).pk for _ in range(5)]
    assert (
        list(OpinionAnalysis.objects.filter(conversation=conversation).values_list("pk", flat=True))
        == made[::-1][:3]
    )
    assert OpinionAnalysis.objects.filter(pk=kept_other.pk).exists()


def test_recompute_reads_the_votes_in_few_queries(django_assert_max_num_queries):
    conversation, _, _ = fill(
        planted(participants=200, statements=30, groups=2, seed=9, density=(0.5, 1.0))
    )
    analysis.recompute(conversation.pk)
    # conversation, votes, previous analysis; insert, stale ids, delete (+ savepoints)
    with django_assert_max_num_queries(8):
        analysis.recompute(conversation.pk)
