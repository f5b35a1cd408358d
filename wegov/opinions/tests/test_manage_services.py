"""The organisers' services: permission, validation, numbering, addresses."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from wegov.core.models import AuditEntry
from wegov.opinions import manage_services as services
from wegov.opinions.manage_services import ConversationInput
from wegov.opinions.models import Conversation, Statement

from .manage_support import conversation as make_conversation
from .manage_support import statement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["citizen", "staff", "moderator"])
def test_only_organisers_write(request, role):
    actor = request.getfixturevalue(role)
    conversation = make_conversation()
    with pytest.raises(PermissionDenied):
        services.conversation_create(actor=actor, data=ConversationInput(topic="T"))
    for service in (
        services.conversation_publish,
        services.conversation_unpublish,
        services.conversation_close,
        services.conversation_reopen,
        services.recompute_request,
    ):
        with pytest.raises(PermissionDenied):
            service(actor=actor, conversation=conversation)
    with pytest.raises(PermissionDenied):
        services.conversation_update(
            actor=actor, conversation=conversation, data=ConversationInput(topic="T")
        )
    with pytest.raises(PermissionDenied):
        services.conversation_create(actor=AnonymousUser(), data=ConversationInput(topic="T"))
    with pytest.raises(PermissionDenied):
        services.conversation_create(actor=None, data=ConversationInput(topic="T"))
    assert Conversation.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_an_inactive_process_manager_may_not_manage(process_manager):
    process_manager.is_active = False
    process_manager.save()
    with pytest.raises(PermissionDenied):
        services.conversation_create(actor=process_manager, data=ConversationInput(topic="T"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ConversationInput(topic=""), "topic"),
        (ConversationInput(topic="x" * 201), "topic"),
        (ConversationInput(topic="T", description="d" * 5001), "description"),
        (ConversationInput(topic="T", moderation="later"), "moderation"),
        (ConversationInput(topic="T", min_votes=0), "min_votes"),
        (ConversationInput(topic="T", min_votes=101), "min_votes"),
        (ConversationInput(topic="T", min_votes="7"), "min_votes"),
    ],
)
def test_the_service_validates_on_its_own(process_manager, data, field):
    with pytest.raises(ValidationError) as caught:
        services.conversation_create(actor=process_manager, data=data)
    assert list(caught.value.message_dict) == [field]
    assert not Conversation.objects.exists()


def test_the_service_refuses_over_long_statements(process_manager):
    with pytest.raises(ValidationError) as caught:
        services.conversation_create(
            actor=process_manager, data=ConversationInput(topic="T"), seed_statements=["s" * 281]
        )
    assert "at most 280 characters" in caught.value.message_dict["seed_statements"][0]
    assert not Conversation.objects.exists() and not Statement.objects.exists()


def test_seed_statements_are_numbered_after_every_statement(process_manager):
    conversation = make_conversation()
    statement(conversation, "One")
    statement(conversation, "Two", state=Statement.State.REJECTED, rejection_reason="No")
    services.conversation_update(
        actor=process_manager,
        conversation=conversation,
        data=ConversationInput(topic="T"),
        seed_statements=["Three", " ", "Four"],
    )
    assert list(conversation.statements.values_list("number", "text")) == [
        (1, "One"),
        (2, "Two"),
        (3, "Three"),
        (4, "Four"),
    ]


def test_slug_for():
    make_conversation(slug="streets")
    assert services.slug_for("Streets") == "streets-2"
    assert services.slug_for("Rues piétonnes à Lindenbrug") == "rues-pietonnes-a-lindenbrug"
    assert services.slug_for("manage") == "manage-2"
    assert services.slug_for("?!") == "conversation"
    assert len(services.slug_for("word " * 40)) <= 60


def test_topic_spaces_are_tidied(process_manager):
    conversation = services.conversation_create(
        actor=process_manager, data=ConversationInput(topic="  A   car-free\ncentre? ")
    )
    assert conversation.topic == "A car-free centre?"
