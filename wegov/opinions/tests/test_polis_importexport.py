"""Pol.is openData into the database and back (opinions.importexport), on the real exports."""

import dataclasses
import datetime as dt

import pytest

from wegov.accounts.tests.factories import UserFactory
from wegov.core.models import AuditEntry
from wegov.opinions import importexport, polis
from wegov.opinions.models import Conversation, OpinionAnalysis, Participant, Statement, Vote

from .polis_data import POLIS_DATA, REAL_EXPORTS, REAL_NAMES

pytestmark = pytest.mark.django_db
real = pytest.mark.parametrize("directory", REAL_EXPORTS, ids=REAL_NAMES)


def _comments(export, *, unmoderated_as_accepted=False):
    def moderated(c):
        if unmoderated_as_accepted and c.moderated == polis.UNMODERATED:
            return polis.ACCEPTED
        return c.moderated

    return sorted((c.id, c.author_id, c.timestamp, c.body, moderated(c)) for c in export.comments)


def _latest(export):
    return sorted((k, v.vote, v.timestamp) for k, v in export.latest_votes().items())


@real
def test_import_makes_a_closed_unpublished_conversation(directory):
    export = polis.read_export(directory)
    user = UserFactory()
    conversation = importexport.import_export(export, created_by=user)
    assert conversation.topic == export.topic
    assert conversation.description == export.description.strip()
    assert conversation.source_url == export.url
    assert (conversation.is_published, conversation.is_open) == (False, False)
    assert conversation.created_by == user
    assert conversation.slug == importexport.slug_base(export)
    assert Statement.objects.filter(conversation=conversation).count() == len(export.comments)
    rejected = Statement.objects.filter(conversation=conversation, state="rejected")
    assert set(rejected.values_list("number", flat=True)) == export.removed_comment_ids()
    assert {s.rejection_reason for s in rejected} <= {importexport.removed_reason()}
    numbers = Participant.objects.filter(conversation=conversation).values_list("number", flat=True)
    assert sorted(numbers) == export.participant_ids()
    assert not Participant.objects.filter(conversation=conversation, user__isnull=False).exists()
    assert Vote.objects.filter(conversation=conversation).count() == len(export.latest_votes())
    entry = AuditEntry.objects.get(action="conversation.imported")
    assert entry.target_id == str(conversation.pk)
    assert entry.after["votes"] == len(export.latest_votes())


@real
def test_import_then_export_gives_the_same_comments_and_votes(directory):
    original = polis.read_export(directory)
    conversation = importexport.import_export(original)
    exported = importexport.export_conversation(conversation)
    # Pol.is shows unmoderated comments, so they are imported as accepted.
    assert _comments(exported) == _comments(original, unmoderated_as_accepted=True)
    assert _latest(exported) == _latest(original)
    assert exported.matrix_votes() == original.matrix_votes()
    assert exported.votes == sorted(
        exported.votes, key=lambda v: (v.comment_id, v.timestamp, v.voter_id)
    )
    for key in ("topic", "url", "voters", "voters-in-conv", "commenters"):
        assert exported.summary[key] == original.summary[key], key
    assert exported.summary["conversation-description"] == original.description.strip()
    assert exported.summary["comments"] == str(len(original.comments))
    # No analysis yet: nobody is grouped.
    assert exported.summary["groups"] == "0"
    assert {p.group_id for p in exported.participants} == {None}
    original_rows = {
        p.participant: (p.n_comments, p.n_votes, p.n_agree, p.n_disagree)
        for p in original.participants
    }
    exported_rows = {
        p.participant: (p.n_comments, p.n_votes, p.n_agree, p.n_disagree)
        for p in exported.participants
    }
    assert exported_rows == original_rows


@real
def test_an_exported_conversation_imports_again_unchanged(directory, tmp_path):
    first = importexport.import_export(polis.read_export(directory))
    polis.write_export(tmp_path / first.slug, importexport.export_conversation(first))
    again = polis.read_export(tmp_path / first.slug)
    second = importexport.import_export(again)
    assert second.slug == f"{first.slug}-2"
    one = importexport.export_conversation(first)
    two = importexport.export_conversation(second)
    assert (one.comments, one.votes, one.participants) == (
        two.comments,
        two.votes,
        two.participants,
    )


@real
def test_exported_agrees_count_the_latest_votes(directory):
    original = polis.read_export(directory)
    exported = importexport.export_conversation(importexport.import_export(original))
    latest = original.latest_votes()
    for c in exported.comments:
        assert c.agrees == sum(1 for (i, _), v in latest.items() if i == c.id and v.vote == 1)
        assert c.disagrees == sum(1 for (i, _), v in latest.items() if i == c.id and v.vote == -1)


def test_vote_and_statement_times_come_from_the_timestamps():
    export = polis.read_export(POLIS_DATA / "15-per-hour-seattle")
    conversation = importexport.import_export(export)
    statement = Statement.objects.get(conversation=conversation, number=48)
    assert statement.created_at == dt.datetime(2014, 6, 18, 4, 53, 44, 363000, tzinfo=dt.UTC)
    assert statement.author_participant.number == 215
    assert statement.moderated_at == statement.created_at
    unmoderated = Statement.objects.get(conversation=conversation, number=53)
    assert (unmoderated.state, unmoderated.moderated_at) == ("accepted", None)
    # a changed vote: first cast at its first row, changed at its latest
    changed = next(k for k, n in _pair_counts(export).items() if n > 1)
    rows = sorted(
        (v for v in export.votes if (v.comment_id, v.voter_id) == changed),
        key=lambda v: v.timestamp,
    )
    vote = Vote.objects.get(
        conversation=conversation, statement__number=changed[0], participant__number=changed[1]
    )
    assert vote.created_at == importexport.from_millis(rows[0].timestamp)
    assert vote.updated_at == importexport.from_millis(rows[-1].timestamp)
    assert vote.value == rows[-1].vote
    first_vote = min(v.timestamp for v in export.votes if v.voter_id == 0)
    assert Participant.objects.get(
        conversation=conversation, number=0
    ).created_at == importexport.from_millis(min(first_vote, _first_comment(export, 0)))


def _pair_counts(export):
    counts = {}
    for v in export.votes:
        counts[(v.comment_id, v.voter_id)] = counts.get((v.comment_id, v.voter_id), 0) + 1
    return counts


def _first_comment(export, author):
    return min((c.timestamp for c in export.comments if c.author_id == author), default=10**15)


def test_the_author_who_never_voted_is_a_participant_without_a_row():
    export = polis.read_export(POLIS_DATA / "london.youth.policing")
    conversation = importexport.import_export(export)
    assert Participant.objects.filter(conversation=conversation, number=0).exists()
    exported = importexport.export_conversation(conversation)
    assert 0 not in {p.participant for p in exported.participants}
    assert {c.author_id for c in exported.comments if c.id in (0, 2, 3)} == {0}
    assert conversation.slug == "london-youth-policing"


def test_the_import_inserts_in_bulk(django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        importexport.import_export(polis.read_export(POLIS_DATA / "london.youth.policing"))
    # 5,303 votes: a few dozen batches on SQLite (999 variables a query), a couple on PostgreSQL
    with django_assert_max_num_queries(60):
        importexport.import_export(polis.read_export(POLIS_DATA / "brexit-consensus"))


def test_the_export_query_count_does_not_grow_with_the_conversation(
    django_assert_max_num_queries,
):
    conversation = importexport.import_export(polis.read_export(POLIS_DATA / "brexit-consensus"))
    with django_assert_max_num_queries(6):
        importexport.export_conversation(conversation)


# -- slugs -----------------------------------------------------------------


def test_slugs_are_unique_and_avoid_reserved_paths():
    export = polis.read_export(POLIS_DATA / "brexit-consensus")
    assert importexport.import_export(export).slug == "brexit-consensus"
    assert importexport.import_export(export).slug == "brexit-consensus-2"
    assert importexport.import_export(export).slug == "brexit-consensus-3"
    assert importexport.import_export(export, slug="chosen").slug == "chosen"
    export.name = "manage"
    assert importexport.import_export(export).slug == "manage-2"
    export.name = "..."
    assert importexport.import_export(export).slug == "can-there-be-consensus-on-brexit"


# -- groups ----------------------------------------------------------------


def _analysis(conversation, groups):
    return OpinionAnalysis.objects.create(
        conversation=conversation,
        vote_count=1,
        participant_count=1,
        grouped_count=sum(len(m) for m in groups.values()),
        group_count=len(groups),
        input_hash="x" * 64,
        result={
            "version": 1,
            "groups": [{"label": label, "members": members} for label, members in groups.items()],
        },
    )


def test_group_ids_come_from_the_latest_analysis_counted_from_zero():
    conversation = importexport.import_export(polis.read_export(POLIS_DATA / "brexit-consensus"))
    _analysis(conversation, {1: [0, 1], 2: [2]})
    latest = _analysis(conversation, {1: [0], 2: [1, 2], 3: [3]})
    assert OpinionAnalysis.objects.filter(conversation=conversation).first() == latest
    exported = importexport.export_conversation(conversation)
    groups = exported.groups()
    assert (groups[0], groups[1], groups[2], groups[3], groups[4]) == (0, 1, 1, 2, None)
    assert exported.summary["groups"] == "3"


# -- what the public export leaves out -------------------------------------


def _small_conversation():
    conversation = Conversation.objects.create(slug="small", topic="Small", is_published=True)
    organiser = UserFactory()
    voter = Participant.objects.create(conversation=conversation, number=0, user=UserFactory())
    author = Participant.objects.create(conversation=conversation, number=4)
    seed = Statement.objects.create(
        conversation=conversation, number=0, text="Seed", author=organiser, state="accepted"
    )
    Statement.objects.create(
        conversation=conversation,
        number=1,
        text="Mine",
        author_participant=author,
        state="accepted",
        is_hidden=True,
        hidden_reason="Spam",
    )
    rejected = Statement.objects.create(
        conversation=conversation,
        number=2,
        text="Rude words",
        author_participant=author,
        state="rejected",
        rejection_reason="Rude",
    )
    Statement.objects.create(
        conversation=conversation, number=3, text="Waiting", author=voter.user, state="pending"
    )
    Vote.objects.create(conversation=conversation, participant=voter, statement=seed, value=1)
    Vote.objects.create(conversation=conversation, participant=author, statement=rejected, value=-1)
    return conversation


def test_the_full_export_marks_removed_and_waiting_statements(monkeypatch, settings):
    # The detail page is the participation helper's: its address is what matters here.
    monkeypatch.setattr(Conversation, "get_absolute_url", lambda c: f"/conversations/{c.slug}/")
    settings.WEGOV_BASE_URL = "https://wegov.example"
    exported = importexport.export_conversation(_small_conversation())
    rows = {c.id: (c.author_id, c.moderated, c.body) for c in exported.comments}
    assert rows == {
        0: (5, polis.ACCEPTED, "Seed"),  # the organiser: after every participant
        1: (4, polis.REMOVED, "Mine"),  # hidden
        2: (4, polis.REMOVED, "Rude words"),
        3: (0, polis.UNMODERATED, "Waiting"),  # the author's own participant number
    }
    assert exported.matrix_votes() == {(0, 0): 1, (2, 4): -1}
    assert exported.summary["url"] == "https://wegov.example/conversations/small/"
    assert exported.summary["views"] == "2"


def test_the_public_export_leaves_out_waiting_statements_and_removed_texts(monkeypatch):
    monkeypatch.setattr(Conversation, "get_absolute_url", lambda c: f"/conversations/{c.slug}/")
    exported = importexport.export_conversation(_small_conversation(), public=True)
    rows = {c.id: (c.moderated, c.body) for c in exported.comments}
    assert rows == {0: (polis.ACCEPTED, "Seed"), 1: (polis.REMOVED, ""), 2: (polis.REMOVED, "")}
    assert exported.matrix_columns == [0, 1, 2]


def test_the_export_writes_and_reads_back(tmp_path, monkeypatch):
    monkeypatch.setattr(Conversation, "get_absolute_url", lambda c: f"/conversations/{c.slug}/")
    exported = importexport.export_conversation(_small_conversation())
    polis.write_export(tmp_path, exported)
    again = polis.read_export(tmp_path)
    assert dataclasses.replace(again, name=exported.name) == exported


# -- refusals ----------------------------------------------------------------


def test_an_inconsistent_export_is_refused_and_leaves_nothing(tmp_path):
    export = polis.read_export(POLIS_DATA / "london.youth.policing")
    export.votes.append(polis.VoteRow(99, 1, 1, 1, ""))
    with pytest.raises(
        polis.PolisFormatError, match=r"votes on comments that comments\.csv lacks: 99"
    ):
        importexport.import_export(export)
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.matrix_columns.append(77), "columns for comments"),
        (
            lambda e: e.comments.__setitem__(0, dataclasses.replace(e.comments[0], body=" ")),
            "has no text",
        ),
        (
            lambda e: e.comments.__setitem__(
                0, dataclasses.replace(e.comments[0], body="x" * 2001)
            ),
            "longer than 2000",
        ),
        (lambda e: e.summary.__setitem__("topic", ""), "empty topic"),
    ],
)
def test_what_the_database_cannot_hold_is_refused(change, message):
    export = polis.read_export(POLIS_DATA / "london.youth.policing")
    change(export)
    with pytest.raises(polis.PolisFormatError, match=message):
        importexport.import_export(export)
    assert not Conversation.objects.exists()


def test_the_datetime_text_is_in_the_site_time_zone():
    moment = dt.datetime(2017, 7, 17, 0, 17, 32, tzinfo=dt.UTC)
    assert importexport.datetime_text(moment) == "Mon Jul 17 02:17:32 CEST 2017"
    assert importexport.to_millis(importexport.from_millis(1500250652930)) == 1500250652930
