"""The moderators' queue of a conversation: who may see it, accepting,
rejecting with a reason; post-moderation removal through moderation's hide."""

from unittest import mock

import pytest
from django.urls import reverse

from wegov.core.models import AuditEntry
from wegov.moderation import services as moderation_services
from wegov.opinions import services
from wegov.opinions.models import Conversation, Statement

from .participate_support import SEEDS, make_conversation

pytestmark = pytest.mark.django_db

MAY = ["moderator", "process_manager", "admin_user"]
MAY_NOT = ["citizen", "other_citizen", "other_staff"]


@pytest.fixture(autouse=True)
def schedule():
    with mock.patch("wegov.opinions.tasks.schedule_recompute") as schedule:
        yield schedule


@pytest.fixture
def conversation():
    return make_conversation(statements=SEEDS, slug="car-free")


@pytest.fixture
def pending(conversation, other_citizen):
    return services.add_statement(
        conversation=conversation, text="A tram to the station.", user=other_citizen
    )


def moderate_url(c):
    return reverse("opinions:moderate", args=[c.slug])


def decide_url(statement):
    return reverse(
        "opinions:moderate_statement", args=[statement.conversation.slug, statement.number]
    )


@pytest.mark.parametrize("role", MAY)
def test_moderators_see_the_queue(as_role, conversation, pending, role):
    client, _ = as_role(role)
    response = client.get(moderate_url(conversation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A tram to the station." in body
    assert "1 statement waiting" in body
    assert decide_url(pending) in body


@pytest.mark.parametrize("role", MAY_NOT)
def test_others_are_refused_the_queue(as_role, conversation, pending, role):
    client, _ = as_role(role)
    assert client.get(moderate_url(conversation)).status_code == 403
    response = client.post(decide_url(pending), {f"s{pending.number}-decision": "accept"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_anonymous_is_sent_to_log_in(client, conversation, pending):
    assert client.get(moderate_url(conversation)).status_code == 302
    response = client.post(decide_url(pending), {f"s{pending.number}-decision": "accept"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "pending"


@pytest.mark.parametrize("role", MAY)
def test_accept(as_role, pending, role):
    client, user = as_role(role)
    response = client.post(decide_url(pending), {f"s{pending.number}-decision": "accept"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "accepted" and pending.moderated_by == user
    assert AuditEntry.objects.filter(action="opinions.statement_accepted").count() == 1
    assert "is accepted" in client.get(response.url).content.decode()


def test_reject_with_a_reason(as_role, pending):
    client, _ = as_role("moderator")
    response = client.post(
        decide_url(pending),
        {f"s{pending.number}-decision": "reject", f"s{pending.number}-reason": "Off topic"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "rejected" and pending.rejection_reason == "Off topic"


def test_reject_without_a_reason_is_a_form_error(as_role, pending):
    client, _ = as_role("moderator")
    response = client.post(decide_url(pending), {f"s{pending.number}-decision": "reject"})
    assert response.status_code == 400
    assert "Give the reason for rejecting the statement." in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == "pending"


@pytest.mark.parametrize("decision", ["", "delete", "hide"])
def test_unknown_decisions_are_400(as_role, pending, decision):
    client, _ = as_role("moderator")
    response = client.post(decide_url(pending), {f"s{pending.number}-decision": decision})
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_deciding_twice_is_400_with_a_reason(as_role, pending):
    client, _ = as_role("moderator")
    client.post(decide_url(pending), {f"s{pending.number}-decision": "accept"})
    response = client.post(
        decide_url(pending),
        {f"s{pending.number}-decision": "reject", f"s{pending.number}-reason": "Late"},
    )
    assert response.status_code == 400
    assert "Only statements waiting for moderation can be rejected." in response.content.decode()


def test_unknown_statement_is_404(as_role, conversation):
    client, _ = as_role("moderator")
    url = reverse("opinions:moderate_statement", args=[conversation.slug, 99])
    assert client.post(url, {"s99-decision": "accept"}).status_code == 404


def test_detail_links_moderators_to_the_queue(as_role, conversation, pending):
    client, _ = as_role("moderator")
    body = client.get(reverse("opinions:detail", args=[conversation.slug])).content.decode()
    assert moderate_url(conversation) in body and "1 waiting" in body
    citizen_client, _ = as_role("citizen")
    body = citizen_client.get(reverse("opinions:detail", args=[conversation.slug]))
    assert moderate_url(conversation) not in body.content.decode()


def test_post_moderation_lists_recent_statements_and_hide_removes_one(
    as_role, conversation, other_citizen, moderator, django_capture_on_commit_callbacks, schedule
):
    conversation.moderation = Conversation.Moderation.POST
    conversation.save()
    statement = services.add_statement(
        conversation=conversation, text="Something rude.", user=other_citizen
    )
    client, _ = as_role("moderator")
    body = client.get(moderate_url(conversation)).content.decode()
    assert "Something rude." in body
    assert reverse("moderation:case", args=["statement", statement.pk]) in body
    schedule.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.hide(
            moderator=moderator, kind="statement", object_id=statement.pk, public_reason="Rude"
        )
    assert not Statement.objects.shown().filter(pk=statement.pk).exists()
    schedule.assert_called_with(conversation.pk)  # the groups are recomputed without it
