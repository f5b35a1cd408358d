"""The organisers' pages: who may open them, creating and editing a
conversation with seed statements, publishing, closing, recomputing."""

import html as html_module
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wegov.core.models import AuditEntry
from wegov.opinions import manage_services
from wegov.opinions.models import Conversation, OpinionAnalysis, Statement
from wegov.processes.tests.factories import ProcessFactory

from .manage_support import conversation as make_conversation
from .manage_support import statement, voter

pytestmark = pytest.mark.django_db

FORBIDDEN = ["citizen", "other_citizen", "staff", "other_staff", "moderator"]
ALLOWED = ["process_manager", "admin_user"]


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def pages(conversation):
    slug = conversation.slug
    return {
        "manage": ("get", reverse("opinions:manage")),
        "create": ("get", reverse("opinions:create")),
        "create_post": ("post", reverse("opinions:create")),
        "edit": ("get", reverse("opinions:edit", args=[slug])),
        "edit_post": ("post", reverse("opinions:edit", args=[slug])),
        "publish": ("post", reverse("opinions:manage_publish", args=[slug])),
        "unpublish": ("post", reverse("opinions:manage_unpublish", args=[slug])),
        "close": ("post", reverse("opinions:manage_close", args=[slug])),
        "reopen": ("post", reverse("opinions:manage_reopen", args=[slug])),
        "recompute": ("post", reverse("opinions:manage_recompute", args=[slug])),
    }


def form_data(**overrides):
    data = {
        "topic": "A car-free city centre?",
        "description": "Should the centre go car-free?",
        "process": "",
        "allow_anonymous": "on",
        "allow_statements": "on",
        "moderation": "pre",
        "min_votes": "7",
        "seed_statements": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def queued(monkeypatch):
    """Records the recomputations asked for; nothing is computed."""
    calls = []
    monkeypatch.setattr(
        manage_services.tasks, "schedule_recompute", lambda pk: calls.append(pk) or True
    )
    return calls


# --- Who may open the pages ------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, queued):
    conversation = make_conversation()
    for name, (method, url) in pages(conversation).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login") + "?next="), name
    assert not Conversation.objects.exclude(pk=conversation.pk).exists()


@pytest.mark.parametrize("role", FORBIDDEN)
def test_other_roles_are_forbidden(as_role, role, queued):
    conversation = make_conversation(topic="Draft")
    statement(conversation, "Seed")
    client, _user = as_role(role)
    for name, (method, url) in pages(conversation).items():
        data = form_data(topic="Taken over") if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 403, name
    conversation.refresh_from_db()
    assert (conversation.topic, conversation.is_published, conversation.is_open) == (
        "Draft",
        False,
        True,
    )
    assert Conversation.objects.count() == 1
    assert queued == []
    assert not AuditEntry.objects.filter(action__startswith="conversation.").exists()


@pytest.mark.parametrize("role", ALLOWED)
def test_process_managers_and_administrators_are_allowed(as_role, role, queued):
    conversation = make_conversation()
    statement(conversation, "Seed")
    client, _user = as_role(role)
    for name, (method, url) in pages(conversation).items():
        if name.endswith("_post"):
            continue
        response = getattr(client, method)(url)
        if method == "post":
            assert response.status_code == 302, name
            assert response["Location"] == reverse("opinions:edit", args=[conversation.slug])
        else:
            assert response.status_code == 200, name
    assert queued == [conversation.pk]


def test_pages_of_an_unknown_conversation_are_404(as_role):
    client, _user = as_role("process_manager")
    assert client.get(reverse("opinions:edit", args=["nothing-here"])).status_code == 404
    assert client.post(reverse("opinions:manage_publish", args=["nothing-here"])).status_code == 404


def test_actions_answer_only_posts(as_role):
    client, _user = as_role("process_manager")
    conversation = make_conversation()
    assert (
        client.get(reverse("opinions:manage_publish", args=[conversation.slug])).status_code == 405
    )
    assert (
        client.get(reverse("opinions:manage_recompute", args=[conversation.slug])).status_code
        == 405
    )


# --- The list --------------------------------------------------------------------------


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("opinions:manage")).status_code == 200
    return ctx.captured_queries


def test_list_shows_counts_with_constant_queries(as_role, django_assert_max_num_queries):
    client, _user = as_role("process_manager")
    process = ProcessFactory(title="Car-free Marktplein")
    busy = make_conversation(topic="Busy one", process=process, is_published=True)
    seeds = [statement(busy, f"Statement {n}") for n in range(3)]
    statement(busy, "Waiting", state=Statement.State.PENDING)
    statement(busy, "Rude", state=Statement.State.REJECTED, rejection_reason="Rude")
    statement(busy, "Hidden", is_hidden=True)
    voter(busy, 1, {seeds[0]: 1, seeds[1]: -1})
    voter(busy, 2, {seeds[0]: 0})
    OpinionAnalysis.objects.create(
        conversation=busy,
        computed_at=timezone.make_aware(timezone.datetime(2026, 11, 20, 9, 30)),
        vote_count=3,
        participant_count=2,
        grouped_count=2,
        group_count=2,
        input_hash="0" * 64,
        result={},
    )
    make_conversation(topic="Quiet draft")
    response = client.get(reverse("opinions:manage"))
    page = text(response)
    assert "2 conversations, drafts included" in page
    # Statements shown 3, waiting 1 (linked to the queue), participants 2, votes 3.
    assert (
        "Busy one Car-free Marktplein Published Open 3 1 to moderate in “Busy one” 2 3 "
        "2 groups computed 20 Nov 2026, 09:30" in page
    )
    assert f'href="{reverse("opinions:moderate", args=[busy.slug])}"' in response.content.decode()
    assert "Quiet draft Draft Open 0 0 0 0 Not computed yet" in page
    baseline = len(_queries(client))
    for n in range(6):
        other = make_conversation(process=ProcessFactory())
        voter(other, 1, {statement(other, f"S{n}"): 1})
    with django_assert_max_num_queries(baseline):
        client.get(reverse("opinions:manage"))


def test_empty_list(as_role):
    client, _user = as_role("admin_user")
    assert "There are no conversations yet." in text(client.get(reverse("opinions:manage")))


# --- Creating ---------------------------------------------------------------------------


def test_create_a_draft_with_seed_statements(as_role):
    client, manager = as_role("process_manager")
    process = ProcessFactory(title="Car-free Marktplein")
    seeds = (
        "Buses every 10 minutes.\n\n  Parking   for disabled people stays.  \r\nMore bike parking."
    )
    response = client.post(
        reverse("opinions:create"),
        form_data(process=process.pk, moderation="post", min_votes="5", seed_statements=seeds),
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("opinions:edit", args=["a-car-free-city-centre"])
    assert conversation.slug == "a-car-free-city-centre"
    assert (conversation.topic, conversation.process, conversation.created_by) == (
        "A car-free city centre?",
        process,
        manager,
    )
    assert not conversation.is_published and conversation.is_open
    assert conversation.allow_anonymous and conversation.allow_statements
    assert (conversation.moderation, conversation.min_votes) == ("post", 5)
    rows = list(conversation.statements.values_list("number", "text", "state", "is_seed", "author"))
    assert rows == [
        (1, "Buses every 10 minutes.", "accepted", True, manager.pk),
        (2, "Parking for disabled people stays.", "accepted", True, manager.pk),
        (3, "More bike parking.", "accepted", True, manager.pk),
    ]
    page = text(client.get(response["Location"]))
    assert "saved, with 3 new seed statements. It is a draft: publish it when it is ready." in page
    assert (
        "1. Buses every 10 minutes. 2. Parking for disabled people stays. 3. More bike parking."
        in page
    )
    entry = AuditEntry.objects.get(action="conversation.created")
    assert entry.actor == manager and entry.target_id == str(conversation.pk)
    assert entry.after["seed_statements"] == 3 and entry.after["slug"] == conversation.slug


def test_unticked_boxes_are_false(as_role):
    client, _user = as_role("process_manager")
    data = form_data()
    del data["allow_anonymous"], data["allow_statements"]
    client.post(reverse("opinions:create"), data)
    conversation = Conversation.objects.get()
    assert not conversation.allow_anonymous and not conversation.allow_statements


def test_addresses_are_derived_and_unique(as_role):
    client, _user = as_role("process_manager")
    make_conversation(slug="a-car-free-city-centre")
    make_conversation(slug="a-car-free-city-centre-2")
    client.post(reverse("opinions:create"), form_data())
    client.post(reverse("opinions:create"), form_data(topic="Manage!"))
    client.post(reverse("opinions:create"), form_data(topic="¿¡…!?"))
    slugs = list(Conversation.objects.order_by("pk").values_list("slug", flat=True))
    assert slugs[2:] == ["a-car-free-city-centre-3", "manage-2", "conversation"]


def test_an_over_long_line_is_named_and_nothing_typed_is_lost(as_role):
    client, _user = as_role("process_manager")
    long_line = "Shops " + "x" * 280
    typed = f"First statement.\n\nSecond statement.\n{long_line}\nFirst statement."
    response = client.post(
        reverse("opinions:create"),
        form_data(topic="Typed topic", description="Typed description", seed_statements=typed),
    )
    assert response.status_code == 400
    page = text(response)
    assert page.startswith("Error:") or "Error:" in response.content.decode()[:400]
    assert "There is a problem" in page
    assert (
        "Line 4 is 286 characters long: shorten it to 280 characters or fewer "
        "(6 characters too many)." in page
    )
    assert "Line 5 repeats line 1." in page
    html = response.content.decode()
    assert 'href="#id_seed_statements"' in html
    assert long_line in html and 'value="Typed topic"' in html and "Typed description" in html
    assert not Conversation.objects.exists()


def test_an_over_long_line_of_exactly_the_limit_passes(as_role):
    client, _user = as_role("process_manager")
    line = "y" * 280
    response = client.post(reverse("opinions:create"), form_data(seed_statements=line))
    assert response.status_code == 302
    assert Statement.objects.get().text == line


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"topic": "  "}, "Write the topic of the conversation."),
        ({"topic": "t" * 201}, "The topic can be at most 200 characters."),
        ({"min_votes": "0"}, "Enter a number of votes from 1 to 100."),
        ({"min_votes": "101"}, "Enter a number of votes from 1 to 100."),
        ({"min_votes": "seven"}, "Enter the number of votes as a whole number, like 7."),
        ({"moderation": "never"}, "Choose when participants' statements are moderated."),
        ({"process": "999999"}, "Choose a process from the list."),
        ({"seed_statements": "\n".join(f"S {n}" for n in range(101))}, "Add at most 100"),
    ],
)
def test_bad_input_is_a_form_error(as_role, overrides, message):
    client, _user = as_role("process_manager")
    response = client.post(reverse("opinions:create"), form_data(**overrides))
    assert response.status_code == 400
    assert message in text(response).replace("’", "'")
    assert not Conversation.objects.exists()


# --- Editing ---------------------------------------------------------------------------


def test_edit_changes_settings_and_adds_seeds_after_the_last_statement(as_role):
    client, manager = as_role("admin_user")
    conversation = make_conversation(topic="Old topic", slug="old-topic")
    statement(conversation, "Existing seed", is_seed=True)
    statement(conversation, "A participant's", state=Statement.State.PENDING)
    response = client.get(reverse("opinions:edit", args=["old-topic"]))
    html = response.content.decode()
    assert 'value="Old topic"' in html and "Add seed statements, one a line" in html
    response = client.post(
        reverse("opinions:edit", args=["old-topic"]),
        form_data(topic="New topic", moderation="post", seed_statements="Another one"),
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    # The address stays: links keep working.
    assert (conversation.slug, conversation.topic, conversation.moderation) == (
        "old-topic",
        "New topic",
        "post",
    )
    added = conversation.statements.get(number=3)
    assert (added.text, added.is_seed, added.state, added.author) == (
        "Another one",
        True,
        "accepted",
        manager,
    )
    updated = AuditEntry.objects.get(action="conversation.updated")
    assert updated.before["topic"] == "Old topic" and updated.after["moderation"] == "post"
    assert "min_votes" not in updated.after
    assert AuditEntry.objects.get(action="conversation.seed_statements_added").after == {
        "numbers": [3]
    }
    page = text(client.get(response["Location"]))
    assert "The conversation “New topic” is saved, with 1 new seed statement." in page


def test_edit_refuses_a_statement_the_conversation_has(as_role):
    client, _user = as_role("process_manager")
    conversation = make_conversation()
    statement(conversation, "Buses every 10 minutes.", is_seed=True)
    statement(conversation, "Refused one", state=Statement.State.REJECTED, rejection_reason="No")
    response = client.post(
        reverse("opinions:edit", args=[conversation.slug]),
        form_data(seed_statements="A new one\nbuses  every 10 minutes.\nrefused ONE"),
    )
    assert response.status_code == 400
    page = text(response)
    assert "Line 2 is already statement 1 of this conversation." in page
    # Rejected statements count too: moderators refused those words once.
    assert "Line 3 is already statement 2 of this conversation." in page
    assert conversation.statements.count() == 2


def test_edit_with_errors_keeps_what_was_typed(as_role):
    client, _user = as_role("process_manager")
    conversation = make_conversation(topic="Kept")
    response = client.post(
        reverse("opinions:edit", args=[conversation.slug]),
        form_data(topic="", description="New words", seed_statements="A new seed"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the topic of the conversation." in html
    assert "New words" in html and "A new seed" in html
    conversation.refresh_from_db()
    assert conversation.topic == "Kept" and not conversation.statements.exists()


# --- Publish, close, recompute -----------------------------------------------------------


def test_publish_needs_a_statement_then_is_audited(as_role):
    client, manager = as_role("process_manager")
    conversation = make_conversation(topic="Streets")
    url = reverse("opinions:manage_publish", args=[conversation.slug])
    page = text(client.post(url, follow=True))
    assert "Add at least one seed statement before publishing" in page
    assert not Conversation.objects.get().is_published
    statement(conversation, "Seed")
    page = text(client.post(url, follow=True))
    assert "“Streets” is published." in page
    assert Conversation.objects.get().is_published
    entry = AuditEntry.objects.get(action="conversation.published")
    assert (entry.actor, entry.before, entry.after) == (
        manager,
        {"is_published": False},
        {"is_published": True},
    )
    # Twice: said, not audited again.
    assert "already published" in text(client.post(url, follow=True))
    assert AuditEntry.objects.filter(action="conversation.published").count() == 1
    client.post(reverse("opinions:manage_unpublish", args=[conversation.slug]))
    assert not Conversation.objects.get().is_published
    assert AuditEntry.objects.filter(action="conversation.unpublished").count() == 1


def test_close_and_reopen_are_audited(as_role):
    client, manager = as_role("admin_user")
    conversation = make_conversation(topic="Streets", is_published=True)
    page = text(
        client.post(reverse("opinions:manage_close", args=[conversation.slug]), follow=True)
    )
    assert "“Streets” is closed: it takes no more votes or statements, its results stay." in page
    assert "Reopen the conversation" in page
    assert not Conversation.objects.get().is_open
    client.post(reverse("opinions:manage_reopen", args=[conversation.slug]))
    assert Conversation.objects.get().is_open
    actions = list(
        AuditEntry.objects.filter(actor=manager).order_by("id").values_list("action", "after")
    )
    assert actions == [
        ("conversation.closed", {"is_open": False}),
        ("conversation.reopened", {"is_open": True}),
    ]


def test_recompute_only_queues_and_says_so(as_role, monkeypatch):
    client, _user = as_role("process_manager")
    conversation = make_conversation()
    answers = iter([True, False])
    calls = []
    monkeypatch.setattr(
        manage_services.tasks,
        "schedule_recompute",
        lambda pk: calls.append(pk) or next(answers),
    )
    url = reverse("opinions:manage_recompute", args=[conversation.slug])
    page = text(client.post(url, follow=True))
    assert "The opinion groups will be recomputed in the background" in page
    page = text(client.post(url, follow=True))
    assert "A recomputation of the opinion groups is already queued" in page
    assert calls == [conversation.pk, conversation.pk]
    assert not OpinionAnalysis.objects.exists()


def test_edit_page_shows_state_counts_and_links(as_role):
    client, _user = as_role("process_manager")
    process = ProcessFactory(is_published=False)
    conversation = make_conversation(topic="Streets", process=process, is_published=True)
    seed = statement(conversation, "Seed", is_seed=True)
    statement(conversation, "Waiting", state=Statement.State.PENDING)
    voter(conversation, 1, {seed: 1})
    response = client.get(reverse("opinions:edit", args=[conversation.slug]))
    page = text(response)
    assert "Published Open" in page
    assert (
        "Statements shown 1 Waiting for moderation 1 · Moderation queue Participants 1 Votes 1"
        in page
    )
    assert "its process is not: only organisers can see it" in page
    assert "Not computed yet" in page
    html = response.content.decode()
    assert f'href="{reverse("opinions:moderate", args=[conversation.slug])}"' in html
    assert 'id="unpublish-form"' in html and 'id="close-form"' in html
    assert 'id="recompute-form"' in html and 'id="publish-form"' not in html


# --- The process page -------------------------------------------------------------------


def test_the_process_page_lists_its_published_conversations(client):
    process = ProcessFactory()
    shown = make_conversation(topic="Shown one", process=process, is_published=True)
    voter(shown, 1, {statement(shown, "Seed"): 1})
    make_conversation(topic="Closed one", process=process, is_published=True, is_open=False)
    make_conversation(topic="Draft one", process=process)
    make_conversation(topic="Elsewhere", process=ProcessFactory(), is_published=True)
    response = client.get(reverse("processes:detail", args=[process.slug]))
    page = text(response)
    assert "Conversations Give your opinion on short statements" in page
    assert "Closed one Closed 0 participants, 0 statements" in page
    assert "Shown one Open 1 participant, 1 statement" in page
    assert "Draft one" not in page and "Elsewhere" not in page
    assert f'href="{reverse("opinions:detail", args=[shown.slug])}"' in response.content.decode()


def test_a_process_without_conversations_has_no_section(client):
    process = ProcessFactory()
    make_conversation(topic="Draft one", process=process)
    html = client.get(reverse("processes:detail", args=[process.slug])).content.decode()
    assert 'id="conversations"' not in html
