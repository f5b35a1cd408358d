"""Conversations and statements in the registries: kinds, my data, erasure."""

from unittest import mock

import pytest

from wegov.accounts import services as account_services
from wegov.core import personal_data, registry
from wegov.moderation import services as moderation_services
from wegov.opinions import services
from wegov.opinions.models import Participant, Statement, Vote

from .participate_support import SEEDS, make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def schedule():
    with mock.patch("wegov.opinions.tasks.schedule_recompute") as schedule:
        yield schedule


@pytest.fixture
def conversation():
    return make_conversation(statements=SEEDS, slug="car-free")


def test_kinds_are_registered(conversation):
    conversation_kind = registry.get_kind("conversation")
    assert not conversation_kind.flaggable and not conversation_kind.commentable
    presented = conversation_kind.present(conversation)
    assert presented.url == "/conversations/car-free/" and presented.public
    statement_kind = registry.get_kind("statement")
    assert statement_kind.flaggable and not statement_kind.commentable
    statement = conversation.statements.get(number=2)
    presented = statement_kind.present(statement)
    assert presented.url == "/conversations/car-free/statements/2/"
    assert not presented.public  # never under a person's name in feeds or profiles


def test_flagged_statement_hidden_by_moderation_leaves_shown(
    conversation, citizen, moderator, other_citizen
):
    statement = conversation.statements.get(number=1)
    moderation_services.flag(
        user=other_citizen, kind="statement", object_id=statement.pk, reason="spam"
    )
    moderation_services.hide(
        moderator=moderator, kind="statement", object_id=statement.pk, public_reason="Spam"
    )
    assert list(Statement.objects.shown().values_list("number", flat=True)) == [2, 3, 4]


@pytest.fixture
def taking_part(conversation, citizen):
    participant = services.participant_for(conversation, user=citizen, create=True)
    for number, value in ((1, 1), (2, -1)):
        services.cast_vote(
            participant=participant,
            statement=conversation.statements.get(number=number),
            value=value,
        )
    statement = services.add_statement(
        conversation=conversation, text="A tram to the station.", user=citizen
    )
    return participant, statement


def test_export_of_my_data(taking_part, citizen, conversation):
    section = {s.name: s for s in personal_data.sections()}["conversations"]
    data = section.export(citizen)
    assert data["participations"] == [
        {
            "conversation": conversation.topic,
            "url": "/conversations/car-free/",
            "participant_number": 1,
            "joined_at": taking_part[0].created_at.isoformat(),
        }
    ]
    votes = [(v["statement"], v["vote"], v["value"]) for v in data["votes"]]
    assert votes == [(1, "Agree", 1), (2, "Disagree", -1), (5, "Agree", 1)]
    assert data["statements"][0]["text"] == "A tram to the station."
    assert data["statements"][0]["state"] == "pending"
    whole = account_services.user_export_data(actor=citizen)
    assert whole["conversations"] == data
    assert any(row["kind"] == "statement" for row in whole["contributions"])


def test_export_of_someone_else_is_empty(taking_part, other_citizen):
    section = {s.name: s for s in personal_data.sections()}["conversations"]
    assert section.export(other_citizen) == {"participations": [], "votes": [], "statements": []}


def test_erasure_detaches_but_votes_keep_counting(taking_part, citizen, conversation):
    participant, statement = taking_part
    account_services.user_erase(actor=citizen, user=citizen)
    participant.refresh_from_db()
    statement.refresh_from_db()
    assert participant.user is None and participant.browser_key == ""
    assert participant.number == 1
    assert statement.author is None and statement.text == "A tram to the station."
    assert Vote.objects.filter(participant=participant).count() == 3
    assert not Participant.objects.filter(user=citizen).exists()
    section = {s.name: s for s in personal_data.sections()}["conversations"]
    assert section.export(citizen) == {"participations": [], "votes": [], "statements": []}
