"""The results page, the opinion map and the report: who sees them and what they say."""

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.opinions.models import Conversation, Participant, Statement, Vote
from wegov.opinions.services import BROWSER_COOKIE
from wegov.processes.tests.factories import ProcessFactory

from .results_factories import (
    ConversationFactory,
    add_statements,
    large_result,
    make_conversation_with_groups,
    store_analysis,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "other_citizen",
    "staff",
    "other_staff",
    "moderator",
    "admin_user",
    "process_manager",
]
MANAGERS = {"admin_user", "process_manager"}
PAGES = ["results", "opinion_map", "report"]


def _url(name, conversation):
    return reverse(f"opinions:{name}", args=[conversation.slug])


def _text(response) -> str:
    """The page's main content as text, whitespace collapsed."""
    html = response.content.decode()
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    html = re.sub(r"<(svg|path)\b[^>]*>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def grouped(db):
    return make_conversation_with_groups(sizes=(12, 8))


# --- Who sees what ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_published_results_are_public(as_role, grouped, role, page):
    client, _ = as_role(role)
    assert client.get(_url(page, grouped[0])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_unpublished_results_only_for_managers(as_role, grouped, role, page):
    conversation = grouped[0]
    Conversation.objects.filter(pk=conversation.pk).update(is_published=False)
    client, _ = as_role(role)
    response = client.get(_url(page, conversation))
    assert response.status_code == (200 if role in MANAGERS else 404)
    if role in MANAGERS:
        assert "only its managers see these results" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "process_manager"])
def test_conversation_in_an_unpublished_process(as_role, department, role):
    process = ProcessFactory(organisation=department, is_published=False)
    conversation, _ = make_conversation_with_groups(ConversationFactory(process=process))
    client, _ = as_role(role)
    status = client.get(_url("results", conversation)).status_code
    assert status == (200 if role == "process_manager" else 404)


def test_unknown_conversation_is_404(client):
    assert client.get("/conversations/no-such-thing/results/").status_code == 404
    assert client.get("/conversations/no-such-thing/results/map/").status_code == 404
    assert client.get("/conversations/no-such-thing/report/").status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_pages_only_answer_get(client, grouped, page):
    assert client.post(_url(page, grouped[0])).status_code == 405


# --- The results page -------------------------------------------------------------------


def test_results_page_says_the_numbers_and_groups_in_words(client, grouped):
    conversation, analysis = grouped
    text = _text(client.get(_url("results", conversation)))
    assert "Participants who voted 20" in text
    assert "Votes 120" in text
    assert "Statements 6" in text
    assert "Opinion groups 2 (20 people placed in them)" in text
    assert "Group A: 12 people (60%)" in text and "Group B: 8 people (40%)" in text
    # Each representative statement in words, with the figures of the votes cast.
    rep = analysis.result["groups"][0]["representative"][0]
    statement = Statement.objects.get(conversation=conversation, number=rep["statement"])
    direction = rep["direction"]
    value = Vote.Value.AGREE if direction == "agree" else Vote.Value.DISAGREE
    group_a = analysis.result["groups"][0]["members"]
    in_a = Vote.objects.filter(statement=statement, participant__number__in=group_a)
    agreeing = in_a.filter(value=value).count()
    rest = Vote.objects.filter(statement=statement).exclude(participant__number__in=group_a)
    rest_share = round(100 * rest.filter(value=value).count() / rest.count())
    verb = "agreed" if direction == "agree" else "disagreed"
    expected = (
        f"{round(100 * agreeing / in_a.count())}% of Group A {verb} "
        f"({agreeing} of {in_a.count()} who voted on it), against {rest_share}% of everyone else."
    )
    assert expected in text
    assert statement.text in text
    # The first statement is agreed by every group, the second disagreed.
    assert "Most people in every group agreed Cars should stay out of the centre" in text
    assert "Most people in every group disagreed Parking fees in the centre" in text
    # Agreed first, whatever the scores' order, each direction under one heading.
    assert text.index("in every group agreed") < text.index("in every group disagreed")
    assert text.count("Most people in every group agreed") == 1
    assert "Where the groups differ most The market square should become a park." in text
    assert "You have not voted in this conversation" in text
    assert "How the groups are found" in text


def test_not_enough_votes_yet(client):
    conversation = ConversationFactory(min_votes=3)
    statements = add_statements(conversation)
    voter = Participant.objects.create(conversation=conversation, number=1)
    for s in statements[:3]:
        Vote.objects.create(conversation=conversation, participant=voter, statement=s, value=1)
    late = Participant.objects.create(conversation=conversation, number=2)
    Vote.objects.create(
        conversation=conversation, participant=late, statement=statements[0], value=0
    )
    response = client.get(_url("results", conversation))
    assert response.status_code == 200
    text = _text(response)
    assert "Not enough votes yet to form opinion groups" in text
    assert (
        "once at least 4 people have each voted on at least 3 statements. So far 1 person has."
        in text
    )
    assert "Participants who voted 2" in text and "Votes 4" in text
    assert '<svg role="img"' not in response.content.decode()
    assert "There is no opinion map yet" in text


def test_a_conversation_without_statements(client):
    conversation = ConversationFactory()
    text = _text(client.get(_url("results", conversation)))
    assert "at least two statements to vote on" in text


def test_signed_in_viewer_sees_their_group(as_role, citizen, db):
    conversation, _ = make_conversation_with_groups(sizes=(5, 7), users=[citizen])
    client, _ = as_role("citizen")
    response = client.get(_url("results", conversation))
    text = _text(response)
    assert "You are in Group A, with 4 other people who voted much like you." in text
    assert 'id="opinion-map-you"' in response.content.decode()
    assert "Your group" in text


def test_anonymous_viewer_is_found_by_their_cookie(client):
    token = "a" * 43
    key = hashlib.sha256(token.encode()).hexdigest()
    conversation, _ = make_conversation_with_groups(sizes=(5, 7), browser_keys=[key])
    client.cookies[BROWSER_COOKIE] = token
    text = _text(client.get(_url("results", conversation)))
    assert "You are in Group A" in text
    client.cookies[BROWSER_COOKIE] = "someone else's"
    text = _text(client.get(_url("results", conversation)))
    assert "You have not voted in this conversation" in text
    assert "You are in Group" not in text


def test_viewer_with_too_few_votes_and_viewer_waiting_for_the_next_computation(as_role, citizen):
    conversation, _ = make_conversation_with_groups(sizes=(5, 5))
    statements = list(Statement.objects.filter(conversation=conversation))
    me = Participant.objects.create(conversation=conversation, number=99, user=citizen)
    Vote.objects.create(conversation=conversation, participant=me, statement=statements[0], value=1)
    client, _ = as_role("citizen")
    text = _text(client.get(_url("results", conversation)))
    too_few = "You have voted on 1 statement. You are placed in an opinion group once you have"
    assert f"{too_few} voted on 6." in text
    for s in statements[1:]:
        Vote.objects.create(conversation=conversation, participant=me, statement=s, value=-1)
    text = _text(client.get(_url("results", conversation)))
    waiting = "You have voted on 6 statements. You will be placed in a group when the groups"
    assert f"{waiting} are next computed." in text
    assert "1 vote cast or changed since" not in text
    assert "6 votes cast or changed since" in text


def test_votes_since_the_computation(client, grouped):
    conversation, analysis = grouped
    assert "No votes came in since." in _text(client.get(_url("results", conversation)))
    Vote.objects.filter(pk=Vote.objects.filter(conversation=conversation).first().pk).update(
        value=0, updated_at=analysis.computed_at + dt.timedelta(seconds=5)
    )
    text = _text(client.get(_url("results", conversation)))
    assert "1 vote cast or changed since" in text


def test_statements_hidden_since_the_computation_are_left_out(client, grouped):
    conversation, _ = grouped
    Statement.objects.filter(conversation=conversation, number=1).update(is_hidden=True)
    text = _text(client.get(_url("results", conversation)))
    assert "Cars should stay out of the centre" not in text
    assert "Parking fees in the centre" in text


def test_closed_conversation_shows_final_groups_without_live_refresh(client, grouped):
    conversation, _ = grouped
    Conversation.objects.filter(pk=conversation.pk).update(is_open=False)
    response = client.get(_url("results", conversation))
    assert "these are its final groups" in _text(response)
    assert "hx-get" not in response.content.decode()


def test_results_page_queries_do_not_grow_with_the_conversation(
    client, citizen, django_assert_max_num_queries
):
    small, _ = make_conversation_with_groups(sizes=(4, 4), users=[citizen])
    big, _ = make_conversation_with_groups(sizes=(40, 30, 20), statements=8, users=[citizen])
    client.force_login(citizen)
    # Seven for the results, the rest for the session, the header and the menus.
    for conversation in (small, big):
        with django_assert_max_num_queries(13):
            response = client.get(_url("results", conversation))
        assert "You are in Group A" in _text(response)


def test_report_queries(client, grouped, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(_url("report", grouped[0])).status_code == 200


# --- The opinion map --------------------------------------------------------------------


def test_map_page_without_javascript_and_fragment_for_htmx(client, grouped):
    conversation, analysis = grouped
    page = client.get(_url("opinion_map", conversation))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1" in html and 'role="img"' in html and 'id="opinion-groups-table"' in html
    assert "HX-Request" in page["Vary"]
    fragment = client.get(_url("opinion_map", conversation), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.startswith('<div id="opinion-map"') and "<h1" not in html
    assert f'?analysis={analysis.pk}" hx-trigger="every 30s" hx-swap="outerHTML"' in html


def test_map_polling_gets_204_until_a_new_analysis(client, grouped, django_assert_max_num_queries):
    conversation, analysis = grouped
    url = _url("opinion_map", conversation)
    with django_assert_max_num_queries(3):
        unchanged = client.get(url, {"analysis": analysis.pk}, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204 and unchanged.content == b""
    newer = store_analysis(conversation, analysis.result, vote_count=121)
    changed = client.get(url, {"analysis": analysis.pk}, headers={"HX-Request": "true"})
    assert changed.status_code == 200
    assert f"?analysis={newer.pk}" in changed.content.decode()
    # Garbage in the parameter is just "not the latest".
    assert client.get(url, {"analysis": "x'"}, headers={"HX-Request": "true"}).status_code == 200


def test_map_polling_before_any_analysis(client):
    conversation = ConversationFactory()
    url = _url("opinion_map", conversation)
    response = client.get(url, {"analysis": "none"}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    page = client.get(url)
    assert "analysis=none" in page.content.decode()


def test_a_large_conversation_draws_a_sample_and_says_so(client):
    conversation = ConversationFactory()
    store_analysis(conversation, large_result(20_000, groups=3), vote_count=400_000)
    response = client.get(_url("opinion_map", conversation))
    html = response.content.decode()
    assert len(html) < 150_000
    assert "The map draws 2,000 of the 20,000 participants in groups" in _text(response)
    assert html.count('class="wegov-opinion-map__group"') == 3


# --- The report -------------------------------------------------------------------------


def test_report_has_every_statement_per_group_and_no_viewer(as_role, citizen):
    conversation, analysis = make_conversation_with_groups(sizes=(6, 4), users=[citizen])
    pending = Statement.objects.create(
        conversation=conversation, number=50, text="Not yet moderated.", state="pending"
    )
    client, _ = as_role("citizen")
    response = client.get(_url("report", conversation))
    html = response.content.decode()
    text = _text(response)
    assert conversation.description in text
    assert "Key facts" in text and "Report made" in text and "How the groups are found" in text
    assert "Statements 6: 6 from the organisers, 0 written by participants" in text
    assert pending.text not in text
    for number, entry in analysis.result["statements"].items():
        statement = Statement.objects.get(conversation=conversation, number=int(number))
        a = entry["groups"]["1"]
        row = (
            f"{number} {statement.text} {entry['agree']} / {entry['disagree']} / {entry['pass']} "
            f"{a['agree']} / {a['disagree']} / {a['pass']}"
        )
        assert row in text
    # A document about the conversation, not about the reader.
    assert "Where you stand" not in text and "opinion-map-you" not in html
    assert "hx-get" not in html
    # Print: a button shown by a script file (no inline script), and words without it.
    button = '<button type="button" class="govuk-button govuk-button--secondary"'
    assert f"{button} data-wegov-print hidden>" in html
    assert "dist/print.js" in html
    assert "use your browser's Print command" in text
    assert "<script>" not in html


def test_report_before_groups(client):
    conversation = ConversationFactory()
    add_statements(conversation)
    text = _text(client.get(_url("report", conversation)))
    assert "Not enough votes yet" in text
    assert "Cars should stay out of the centre on Saturdays. 0 / 0 / 0" in text
    assert "Votes cast No votes yet" in text


def test_report_dates(client, grouped):
    conversation, _ = grouped
    first = timezone.now() - dt.timedelta(days=10)
    Vote.objects.filter(pk=Vote.objects.filter(conversation=conversation).first().pk).update(
        created_at=first
    )
    text = _text(client.get(_url("report", conversation)))
    # The page shows the city's date of that instant, which is not always the UTC one.
    assert f"Votes cast from {timezone.localtime(first):%-d %B %Y} to" in text
