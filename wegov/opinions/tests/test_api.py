"""/api/v1/conversations/: published conversations, statements with counts, opinion groups."""

import pytest
from django.urls import reverse

from wegov.opendata import registry
from wegov.opinions.models import Conversation, Participant, Statement, Vote
from wegov.processes.tests.factories import ProcessFactory

from .results_factories import ConversationFactory, add_statements, make_conversation_with_groups

pytestmark = pytest.mark.django_db

BASE = "/api/v1/conversations"
NOT_FOUND = {"detail": "No published conversation has this address."}


@pytest.fixture
def grouped(citizen):
    return make_conversation_with_groups(sizes=(6, 4), users=[citizen])


def test_list_shows_published_conversations_with_counts(
    client, grouped, department, django_assert_max_num_queries
):
    conversation, _ = grouped
    ConversationFactory(is_published=False, topic="A draft")
    ConversationFactory(process=ProcessFactory(organisation=department, is_published=False),
                        topic="In a draft process")  # fmt: skip
    for _ in range(5):
        add_statements(ConversationFactory(), ["One", "Two"])
    with django_assert_max_num_queries(2):
        body = client.get(f"{BASE}/").json()
    assert len(body) == 6
    topics = {c["topic"] for c in body}
    assert "A draft" not in topics and "In a draft process" not in topics
    mine = next(c for c in body if c["slug"] == conversation.slug)
    assert mine["statement_count"] == 6 and mine["participant_count"] == 10
    assert mine["results_url"].endswith(f"/conversations/{conversation.slug}/results/")
    assert mine["url"].endswith(f"/conversations/{conversation.slug}/")


@pytest.mark.parametrize("suffix", ["", "/statements", "/results"])
def test_unknown_and_unpublished_are_404_with_the_reason(as_role, grouped, suffix):
    conversation, _ = grouped
    client, _ = as_role("process_manager")  # even managers: the API shows the public view
    response = client.get(f"{BASE}/no-such-thing{suffix}")
    assert response.status_code == 404 and response.json() == NOT_FOUND
    Conversation.objects.filter(pk=conversation.pk).update(is_published=False)
    response = client.get(f"{BASE}/{conversation.slug}{suffix}")
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_detail(client, grouped):
    conversation, _ = grouped
    body = client.get(f"{BASE}/{conversation.slug}").json()
    assert body["topic"] == conversation.topic
    assert body["moderation"] == "pre" and body["is_open"] is True and body["process"] is None


def test_statements_are_the_shown_ones_with_their_votes(
    client, grouped, django_assert_max_num_queries
):
    conversation, _ = grouped
    Statement.objects.create(conversation=conversation, number=40, text="Pending", state="pending")
    Statement.objects.filter(conversation=conversation, number=6).update(is_hidden=True)
    with django_assert_max_num_queries(2):
        body = client.get(f"{BASE}/{conversation.slug}/statements").json()
    assert [s["number"] for s in body] == [1, 2, 3, 4, 5]
    first = body[0]
    votes = Vote.objects.filter(statement__conversation=conversation, statement__number=1)
    assert first["agree"] == votes.filter(value=1).count()
    assert first["disagree"] == votes.filter(value=-1).count()
    assert first["pass"] == votes.filter(value=0).count()
    assert first["total"] == votes.count() == 10
    assert set(first) == {
        "number",
        "text",
        "is_seed",
        "created_at",
        "agree",
        "disagree",
        "pass",
        "total",
    }


def test_results_have_groups_by_participant_number_and_no_accounts(
    client, grouped, citizen, django_assert_max_num_queries
):
    conversation, analysis = grouped
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/{conversation.slug}/results")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "grouped"
    assert [(g["name"], g["size"]) for g in body["groups"]] == [("A", 6), ("B", 4)]
    assert body["groups"][0]["members"] == [1, 2, 3, 4, 5, 6]
    rep = body["groups"][0]["representative"][0]
    assert set(rep) == {"statement", "direction", "agree", "disagree", "pass", "p", "p_rest",
                        "ratio", "z", "z_rest"}  # fmt: skip
    assert [c["statement"] for c in body["consensus"]] == [
        c["statement"] for c in analysis.result["consensus"]
    ]
    assert body["divisive"] and body["computed_at"] and body["votes_since"] == 0
    # The signed-in participant is participant 1: nothing says who that is.
    text = response.content.decode()
    assert citizen.email not in text and str(citizen.public_name) not in text
    assert "user" not in text


def test_results_leave_out_statements_hidden_since(client, grouped):
    conversation, _ = grouped
    Statement.objects.filter(conversation=conversation, number=1).update(is_hidden=True)
    body = client.get(f"{BASE}/{conversation.slug}/results").json()
    assert 1 not in [c["statement"] for c in body["consensus"]]
    assert all(r["statement"] != 1 for g in body["groups"] for r in g["representative"])


def test_results_before_groups(client):
    conversation = ConversationFactory(min_votes=2)
    statements = add_statements(conversation, ["One", "Two", "Three"])
    voter = Participant.objects.create(conversation=conversation, number=1)
    for s in statements[:2]:
        Vote.objects.create(conversation=conversation, participant=voter, statement=s, value=1)
    body = client.get(f"{BASE}/{conversation.slug}/results").json()
    assert body["state"] == "not_enough_votes" and body["groups"] == []
    assert body["votes_needed"] == 2 and body["vote_count"] == 2
    assert "at least 4 participants with 2 votes each, and 1 have them" in body["detail"]


def test_openapi_describes_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    for path in ["/", "/{slug}", "/{slug}/statements", "/{slug}/results"]:
        assert f"/api/v1/conversations{path}" in schema["paths"]
    components = schema["components"]["schemas"]
    results = components["ConversationResultsOut"]["properties"]
    assert {"groups", "consensus", "divisive", "votes_since"} <= set(results)
    assert "pass" in components["ConversationStatementOut"]["properties"]
    # The names do not take over other apps' schemas.
    assert "winners" in components["ResultsOut"]["properties"]


def test_open_data_statements_without_authors(grouped, citizen, department):
    conversation, _ = grouped
    Statement.objects.filter(conversation=conversation, number=1).update(author=citizen)
    Statement.objects.filter(conversation=conversation, number=2).update(is_hidden=True)
    add_statements(ConversationFactory(is_published=False), ["Secret draft statement"])
    dataset = registry.get("conversation-statements")
    rows = [dict(zip(dataset.field_names, row, strict=True)) for row in dataset.iter_rows()]
    assert [r["number"] for r in rows] == [1, 3, 4, 5, 6]
    first = rows[0]
    votes = Vote.objects.filter(statement__conversation=conversation, statement__number=1)
    assert (first["agree"], first["disagree"], first["pass"]) == (
        votes.filter(value=1).count(),
        votes.filter(value=-1).count(),
        votes.filter(value=0).count(),
    )
    assert first["results_url"].endswith(f"/conversations/{conversation.slug}/results/")
    assert not {"author", "user", "participant"} & set(dataset.field_names)
    assert citizen.email not in str(rows)


def test_url_names_do_not_take_over_other_apps(client, grouped):
    assert reverse("api:get_results", args=["x"]).startswith("/api/v1/budgets/")
    url = reverse("api:conversation_results", args=[grouped[0].slug])
    assert url == f"{BASE}/{grouped[0].slug}/results"
    assert (
        f'href="{url}"' in client.get(f"/conversations/{grouped[0].slug}/results/").content.decode()
    )
