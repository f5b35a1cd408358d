"""The participation pages: list, detail, vote (no-JS and htmx), my votes,
a statement's page, submitting statements; anonymous browsers; permissions."""

import hashlib
import sys
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wegov.opinions import services
from wegov.opinions.models import Conversation, Participant, Statement, Vote

from .participate_support import SEEDS, make_conversation, make_participant

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LOGGED_IN = [
    "citizen",
    "other_citizen",
    "other_staff",
    "moderator",
    "admin_user",
    "process_manager",
]
COOKIE = services.BROWSER_COOKIE


@pytest.fixture(autouse=True)
def schedule():
    with mock.patch("wegov.opinions.tasks.schedule_recompute") as schedule:
        yield schedule


@pytest.fixture
def conversation():
    return make_conversation(statements=SEEDS, slug="car-free")


@pytest.fixture
def open_door():
    """A conversation where anonymous browsers may take part."""
    return make_conversation(statements=SEEDS, slug="open-door", allow_anonymous=True)


def detail_url(c):
    return reverse("opinions:detail", args=[c.slug])


def vote_url(c, number):
    return reverse("opinions:vote", args=[c.slug, number])


def text(response) -> str:
    return response.content.decode()


def shown_number(response) -> int:
    """The number of the statement on the card."""
    statement = response.context["statement"]
    return statement.number if statement else 0


# --- List ---------------------------------------------------------------------------------


def test_list_shows_published_conversations_with_counts(client, conversation, citizen):
    make_conversation(statements=SEEDS, topic="A secret draft", is_published=False)
    make_participant(conversation, user=citizen)
    Statement.objects.create(
        conversation=conversation, number=9, text="Pending one", state="pending"
    )
    response = client.get(reverse("opinions:list"))
    assert response.status_code == 200
    body = text(response)
    assert conversation.topic in body
    assert "A secret draft" not in body
    assert "4 statements" in body  # the pending one is not counted
    assert "1 participant" in body


def test_list_queries_do_not_grow_with_conversations(client, django_assert_max_num_queries):
    for _ in range(3):
        c = make_conversation(statements=SEEDS)
        make_participant(c)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("opinions:list")).status_code == 200
    for _ in range(10):
        c = make_conversation(statements=SEEDS)
        make_participant(c)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("opinions:list"))
    assert len(response.context["conversations"]) == 13


# --- Detail -------------------------------------------------------------------------------


def test_detail_shows_topic_progress_and_a_vote_form(as_role, conversation):
    client, _user = as_role("citizen")
    response = client.get(detail_url(conversation))
    assert response.status_code == 200
    body = text(response)
    assert conversation.topic in body and "What do you think?" in body
    assert "You have voted on 0 of 4 statements." in body
    assert 'name="value" value="agree"' in body
    assert 'name="value" value="disagree"' in body
    assert 'name="value" value="pass"' in body
    assert "<legend" in body and response.context["statement"].text in body
    assert 'id="statement-form"' in body  # the submit-a-statement form


def test_detail_for_anonymous_without_anonymous_participation(client, conversation):
    response = client.get(detail_url(conversation))
    assert response.status_code == 200
    body = text(response)
    assert "Log in to vote" in body
    assert 'name="value"' not in body
    assert 'id="statement-form"' not in body
    assert "Log in to add a statement" in body


def test_detail_for_anonymous_with_anonymous_participation(client, open_door):
    response = client.get(detail_url(open_door))
    body = text(response)
    assert 'name="value" value="agree"' in body
    assert "Log in to vote" not in body
    assert 'id="statement-form"' in body
    assert COOKIE not in response.cookies  # only set on the first vote or statement


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator"])
def test_unpublished_conversation_is_not_found(as_role, role):
    draft = make_conversation(statements=SEEDS, is_published=False)
    client, _ = as_role(role)
    assert client.get(detail_url(draft)).status_code == 404
    assert client.post(vote_url(draft, 1), {"value": "agree"}).status_code == 404


@pytest.mark.parametrize("role", ["process_manager", "admin_user"])
def test_organisers_preview_an_unpublished_conversation(as_role, role):
    draft = make_conversation(statements=SEEDS, is_published=False)
    client, _ = as_role(role)
    response = client.get(detail_url(draft))
    assert response.status_code == 200
    assert "This conversation is not published." in text(response)


def test_detail_of_a_closed_conversation(as_role, conversation):
    conversation.is_open = False
    conversation.save()
    client, _ = as_role("citizen")
    body = text(client.get(detail_url(conversation)))
    assert "This conversation is closed" in body
    assert 'name="value"' not in body
    assert 'id="statement-form"' not in body


def test_detail_when_everything_is_voted(as_role, conversation):
    client, user = as_role("citizen")
    participant = make_participant(conversation, user=user)
    for statement in conversation.statements.all():
        Vote.objects.create(
            conversation=conversation, participant=participant, statement=statement, value=1
        )
    body = text(client.get(detail_url(conversation)))
    assert "You have voted on every statement" in body
    assert "You have voted on 4 of 4 statements." in body
    assert reverse("opinions:my_votes", args=[conversation.slug]) in body
    assert 'name="value"' not in body


def test_detail_for_a_blocked_user(as_role, conversation):
    client, user = as_role("citizen")
    user.blocked_at = timezone.now()
    user.save()
    body = text(client.get(detail_url(conversation)))
    assert "Your account is blocked: you cannot vote." in body
    assert 'name="value"' not in body


def test_detail_reloads_show_the_same_statement(as_role, conversation):
    client, user = as_role("citizen")
    make_participant(conversation, user=user)
    numbers = {shown_number(client.get(detail_url(conversation))) for _ in range(3)}
    assert len(numbers) == 1


def test_detail_queries_do_not_grow_with_statements(
    as_role, conversation, django_assert_max_num_queries
):
    client, user = as_role("citizen")
    participant = make_participant(conversation, user=user)
    Vote.objects.create(
        conversation=conversation,
        participant=participant,
        statement=conversation.statements.first(),
        value=1,
    )
    client.get(detail_url(conversation))  # warm the session and permission caches
    with django_assert_max_num_queries(14) as few:
        client.get(detail_url(conversation))
    for number in range(5, 60):
        Statement.objects.create(
            conversation=conversation, number=number, text=f"Statement {number}", state="accepted"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(detail_url(conversation))
    assert "You have voted on 1 of 59 statements." in text(response)


# --- Voting -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", LOGGED_IN)
def test_every_signed_in_role_votes_without_javascript(as_role, conversation, role):
    client, user = as_role(role)
    first = shown_number(client.get(detail_url(conversation)))
    response = client.post(vote_url(conversation, first), {"value": "agree"})
    assert response.status_code == 302 and response.url == detail_url(conversation)
    vote = Vote.objects.get(participant__user=user)
    assert (vote.statement.number, vote.value) == (first, 1)
    page = client.get(response.url)
    body = text(page)
    assert f"Your vote on statement {first} is recorded: Agree." in body
    assert "You have voted on 1 of 4 statements." in body
    assert shown_number(page) != first


def test_anonymous_vote_without_anonymous_participation_goes_to_login(client, conversation):
    response = client.post(vote_url(conversation, 1), {"value": "agree"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Vote.objects.exists() and not Participant.objects.exists()
    assert COOKIE not in response.cookies


def test_anonymous_htmx_vote_without_anonymous_participation(client, conversation):
    response = client.post(vote_url(conversation, 1), {"value": "agree"}, **HTMX)
    assert response.status_code == 403
    assert "Log in to vote" in text(response)
    assert not Vote.objects.exists()


def test_anonymous_vote_sets_the_browser_cookie(client, open_door):
    response = client.post(vote_url(open_door, 2), {"value": "disagree"})
    assert response.status_code == 302
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    participant = Participant.objects.get()
    assert participant.user is None
    assert participant.browser_key == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert cookie.value not in participant.browser_key
    assert Vote.objects.get().value == -1


def test_same_cookie_is_the_same_participant_two_browsers_are_two(open_door):
    first, second = Client(), Client()
    first.post(vote_url(open_door, 1), {"value": "agree"})
    again = first.post(vote_url(open_door, 2), {"value": "pass"})
    assert COOKIE not in again.cookies  # kept, not replaced
    second.post(vote_url(open_door, 1), {"value": "disagree"})
    participants = list(Participant.objects.order_by("number"))
    assert [p.number for p in participants] == [1, 2]
    assert participants[0].votes.count() == 2 and participants[1].votes.count() == 1
    # The first browser sees its own progress, the second its own.
    assert "You have voted on 2 of 4" in text(first.get(detail_url(open_door)))
    assert "You have voted on 1 of 4" in text(second.get(detail_url(open_door)))


def test_a_forged_cookie_is_just_another_browser(client, open_door):
    client.post(vote_url(open_door, 1), {"value": "agree"})
    intruder = Client()
    intruder.cookies[COOKIE] = "guess"
    intruder.post(vote_url(open_door, 1), {"value": "disagree"})
    assert Participant.objects.count() == 2
    assert Vote.objects.filter(value=1).count() == 1


def test_signed_in_user_is_not_their_browser(as_role, open_door):
    client, user = as_role("citizen")
    client.cookies[COOKIE] = "some-token"
    client.post(vote_url(open_door, 1), {"value": "agree"})
    participant = Participant.objects.get()
    assert participant.user == user and participant.browser_key == ""


def test_htmx_vote_returns_the_next_card(as_role, conversation):
    client, user = as_role("citizen")
    first = shown_number(client.get(detail_url(conversation)))
    response = client.post(vote_url(conversation, first), {"value": "pass"}, **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert 'id="statement-card"' in body
    assert "You have voted on 1 of 4 statements." in body
    assert f"Your vote on statement {first} is recorded: Pass / unsure." in body
    assert 'hx-swap-oob="innerHTML"' in body
    assert response.context["statement"].number != first
    assert Vote.objects.get(participant__user=user).value == 0


def test_htmx_vote_on_the_last_statement_says_all_done(as_role, conversation):
    client, _user = as_role("citizen")
    for number in (1, 2, 3):
        client.post(vote_url(conversation, number), {"value": "agree"})
    body = text(client.post(vote_url(conversation, 4), {"value": "agree"}, **HTMX))
    assert "You have voted on every statement" in body


def test_changing_a_vote_from_my_votes(as_role, conversation):
    client, user = as_role("citizen")
    client.post(vote_url(conversation, 3), {"value": "agree"})
    page = client.get(reverse("opinions:my_votes", args=[conversation.slug]))
    assert page.status_code == 200
    assert SEEDS[2] in text(page) and "My vote:" in text(page)
    response = client.post(
        vote_url(conversation, 3), {"value": "disagree", "next": "my_votes"}, **HTMX
    )
    assert response.status_code == 302
    assert response.url == reverse("opinions:my_votes", args=[conversation.slug]) + "#statement-3"
    assert Vote.objects.get(participant__user=user).value == -1
    assert Vote.objects.count() == 1


def test_my_votes_lists_only_my_votes(as_role, conversation, other_citizen):
    other = make_participant(conversation, user=other_citizen)
    Vote.objects.create(
        conversation=conversation,
        participant=other,
        statement=conversation.statements.get(number=4),
        value=1,
    )
    client, _user = as_role("citizen")
    client.post(vote_url(conversation, 1), {"value": "agree"})
    body = text(client.get(reverse("opinions:my_votes", args=[conversation.slug])))
    assert SEEDS[0] in body and SEEDS[3] not in body


def test_my_votes_of_anonymous_without_anonymous_participation(client, conversation):
    response = client.get(reverse("opinions:my_votes", args=[conversation.slug]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"value": "maybe"}, "Choose agree, disagree or pass."),
        ({}, "Choose agree, disagree or pass."),
        ({"value": "1"}, "Choose agree, disagree or pass."),
        ({"value": "agree", "next": "https://evil.example/"}, "Select a valid choice"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_vote_values_are_400_with_a_reason(as_role, conversation, data, reason, htmx):
    client, _ = as_role("citizen")
    response = client.post(vote_url(conversation, 1), data, **(HTMX if htmx else {}))
    assert response.status_code == 400
    assert reason in text(response)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("state", ["pending", "rejected", "hidden"])
@pytest.mark.parametrize("htmx", [False, True])
def test_votes_on_statements_not_shown_are_refused(as_role, conversation, state, htmx):
    statement = conversation.statements.get(number=2)
    if state == "hidden":
        statement.is_hidden = True
    else:
        statement.state = state
        statement.rejection_reason = "Off topic" if state == "rejected" else ""
    statement.save()
    client, _ = as_role("citizen")
    response = client.post(vote_url(conversation, 2), {"value": "agree"}, **(HTMX if htmx else {}))
    assert response.status_code == 400
    assert "This statement is not open for votes." in text(response)
    assert not Vote.objects.exists()


def test_vote_on_an_unknown_statement_is_404(as_role, conversation):
    other = make_conversation(statements=[*SEEDS, "Only in the other one"])
    client, _ = as_role("citizen")
    assert client.post(vote_url(conversation, 5), {"value": "agree"}).status_code == 404
    assert client.post(vote_url(other, 5), {"value": "agree"}).status_code == 302
    assert Vote.objects.get().statement.conversation == other


def test_vote_needs_post(as_role, conversation):
    client, _ = as_role("citizen")
    assert client.get(vote_url(conversation, 1)).status_code == 405


@pytest.mark.parametrize("htmx", [False, True])
def test_blocked_users_cannot_vote(as_role, open_door, htmx):
    client, user = as_role("citizen")
    user.blocked_at = timezone.now()
    user.save()
    response = client.post(vote_url(open_door, 1), {"value": "agree"}, **(HTMX if htmx else {}))
    assert response.status_code == 403
    assert "Your account is blocked" in text(response)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_closed_conversations_take_no_votes(as_role, conversation, htmx):
    conversation.is_open = False
    conversation.save()
    client, _ = as_role("citizen")
    response = client.post(vote_url(conversation, 1), {"value": "agree"}, **(HTMX if htmx else {}))
    assert response.status_code == 403
    assert "This conversation is closed" in text(response)
    assert not Vote.objects.exists()


def test_the_vote_request_does_no_maths(
    as_role, conversation, schedule, django_capture_on_commit_callbacks, monkeypatch
):
    # Forgotten for this test only: monkeypatch puts the modules back, so later
    # tests that patch wegov.opinions.analysis patch the module tasks imports.
    for name in ("wegov.opinions.maths", "wegov.opinions.analysis"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    client, _ = as_role("citizen")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(vote_url(conversation, 1), {"value": "agree"})
    schedule.assert_not_called()  # not before the commit
    for callback in callbacks:
        callback()
    schedule.assert_called_once_with(conversation.pk)
    assert "wegov.opinions.maths" not in sys.modules
    assert "wegov.opinions.analysis" not in sys.modules


def test_the_vote_request_runs_few_queries(as_role, conversation, django_assert_max_num_queries):
    client, user = as_role("citizen")
    make_participant(conversation, user=user)
    client.get(detail_url(conversation))
    with django_assert_max_num_queries(12):
        assert client.post(vote_url(conversation, 1), {"value": "agree"}).status_code == 302


# --- A statement's page -------------------------------------------------------------------


def test_statement_page_shows_counts_and_my_vote(as_role, conversation, other_citizen):
    statement = conversation.statements.get(number=1)
    for value in (1, 1, -1, 0):
        Vote.objects.create(
            conversation=conversation,
            participant=make_participant(conversation),
            statement=statement,
            value=value,
        )
    client, _ = as_role("citizen")
    client.post(vote_url(conversation, 1), {"value": "disagree"})
    response = client.get(reverse("opinions:statement", args=[conversation.slug, 1]))
    assert response.status_code == 200
    assert response.context["counts"] == {"agree": 2, "disagree": 2, "passed": 1, "total": 5}
    assert response.context["my_vote"] == "disagree"
    assert SEEDS[0] in text(response)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("other_citizen", 404),
        ("other_staff", 404),
        ("citizen", 200),  # the author
        ("moderator", 200),
        ("process_manager", 200),
        ("admin_user", 200),
    ],
)
def test_pending_statement_page_matrix(as_role, conversation, citizen, role, status):
    statement = services.add_statement(conversation=conversation, text="A tram.", user=citizen)
    client, _ = as_role(role)
    url = reverse("opinions:statement", args=[conversation.slug, statement.number])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert "Waiting for moderation" in text(response)


def test_hidden_statement_page_shows_the_reason(client, conversation):
    Statement.objects.filter(conversation=conversation, number=2).update(
        is_hidden=True, hidden_reason="Insulting"
    )
    body = text(client.get(reverse("opinions:statement", args=[conversation.slug, 2])))
    assert "Insulting" in body and SEEDS[1] not in body


# --- Submitting statements ----------------------------------------------------------------


def submit_url(c):
    return reverse("opinions:submit", args=[c.slug])


def test_submit_under_pre_moderation(as_role, conversation):
    client, user = as_role("citizen")
    response = client.post(submit_url(conversation), {"text": "A tram to the station."})
    assert response.status_code == 302
    statement = Statement.objects.get(text="A tram to the station.")
    assert statement.state == "pending" and statement.author == user
    body = text(client.get(response.url))
    assert "your statement is waiting for moderation" in body
    # Others do not see it.
    assert statement.pk not in [
        s.pk for s in Statement.objects.shown().filter(conversation=conversation)
    ]


def test_submit_under_post_moderation_is_shown_at_once(as_role, conversation):
    conversation.moderation = Conversation.Moderation.POST
    conversation.save()
    client, _ = as_role("citizen")
    response = client.post(submit_url(conversation), {"text": "A tram to the station."})
    assert "shown to the others now" in text(client.get(response.url))
    assert Statement.objects.get(text="A tram to the station.").state == "accepted"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("x" * 281, "Use at most 280 characters (you used 281)."),
        ("", "Write your statement."),
        ("   ", "Write your statement."),
        ("cars SHOULD not enter the old town.", "already in the conversation"),
    ],
)
def test_submit_errors(as_role, conversation, posted, message):
    client, _ = as_role("citizen")
    response = client.post(submit_url(conversation), {"text": posted})
    assert response.status_code == 400
    assert message in text(response)
    assert 'class="govuk-error-summary"' in text(response)
    assert Statement.objects.filter(conversation=conversation).count() == 4


def test_anonymous_submit_with_anonymous_participation(client, open_door):
    response = client.post(submit_url(open_door), {"text": "A tram to the station."})
    assert response.status_code == 302
    assert COOKIE in response.cookies
    statement = Statement.objects.get(text="A tram to the station.")
    assert statement.author is None
    assert (
        statement.author_participant.browser_key
        == hashlib.sha256(response.cookies[COOKIE].value.encode()).hexdigest()
    )
    # The same browser's later vote is the same participant.
    client.post(vote_url(open_door, 1), {"value": "agree"})
    assert Participant.objects.count() == 1


def test_anonymous_submit_without_anonymous_participation(client, conversation):
    response = client.post(submit_url(conversation), {"text": "A tram."})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not Statement.objects.filter(text="A tram.").exists()


def test_submit_where_statements_are_not_taken(as_role, conversation):
    conversation.allow_statements = False
    conversation.save()
    client, _ = as_role("citizen")
    response = client.post(submit_url(conversation), {"text": "A tram."})
    assert response.status_code == 403
    assert "do not take new statements" in text(response)
    assert 'id="statement-form"' not in text(client.get(detail_url(conversation)))


def test_submit_when_blocked(as_role, conversation):
    client, user = as_role("citizen")
    user.blocked_at = timezone.now()
    user.save()
    response = client.post(submit_url(conversation), {"text": "A tram."})
    assert response.status_code == 403
    assert "blocked" in text(response)


def test_submit_page_without_javascript(as_role, conversation):
    client, _ = as_role("citizen")
    response = client.get(submit_url(conversation))
    assert response.status_code == 200
    assert 'maxlength="280"' in text(response)
