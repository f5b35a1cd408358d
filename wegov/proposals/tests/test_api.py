"""/api/v1/proposals/: public reading, supporting with reasons for refusals."""

import pytest
from django.utils import timezone

from conftest import make_api_token
from wegov.accounts.tests.factories import make_resident
from wegov.processes.models import PhaseKind, Process
from wegov.processes.tests.factories import ProcessFactory, TopicFactory, set_active_phase
from wegov.proposals import services
from wegov.proposals.api import PER_PAGE
from wegov.proposals.models import Proposal, Support

from .factories import CoauthorshipFactory, ProposalFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/proposals/"


def bearer(user) -> dict:
    key = make_api_token(user)
    return {"Authorization": f"Bearer {key}"}


def test_list_is_public_and_paginated(client, process, django_assert_max_num_queries):
    ProposalFactory.create_batch(PER_PAGE + 3, process=process)
    ProposalFactory(process=process, is_hidden=True, title="Hidden one")
    ProposalFactory(process=ProcessFactory(is_published=False), title="Draft process one")
    with django_assert_max_num_queries(6):
        response = client.get(BASE, {"process": process.slug})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == PER_PAGE + 3 and body["pages"] == 2 and len(body["results"]) == PER_PAGE
    item = body["results"][0]
    assert set(item) >= {
        "id",
        "url",
        "process",
        "title",
        "body",
        "author",
        "topic",
        "district",
        "location",
        "state",
        "answer",
        "support_count",
        "comment_count",
        "qualified_at",
        "created_at",
        "supported",
    }
    assert item["supported"] is None and item["process"] == process.slug
    assert "email" not in str(item["author"]) and set(item["author"]) == {"id", "name"}
    second = client.get(BASE, {"process": process.slug, "page": 2}).json()
    titles = [r["title"] for r in body["results"] + second["results"]]
    assert len(set(titles)) == PER_PAGE + 3
    assert "Hidden one" not in titles and "Draft process one" not in titles
    everywhere = client.get(BASE).json()
    assert everywhere["count"] == PER_PAGE + 3


def test_list_filters_search_and_orders(client, process, city):
    mobility = TopicFactory(slug="mobility")
    a = ProposalFactory(process=process, title="Bicycle lanes", topic=mobility, support_count=1)
    b = ProposalFactory(
        process=process,
        title="Trees",
        district=city,
        support_count=5,
        answer_state="accepted",
        answered_at=timezone.now(),
    )

    def titles(**params):
        response = client.get(BASE, {"process": process.slug, **params})
        assert response.status_code == 200, response.content
        return [r["title"] for r in response.json()["results"]]

    assert titles(topic="mobility") == ["Bicycle lanes"]
    assert titles(district="centrum") == ["Trees"]
    assert titles(answer_state="accepted") == ["Trees"]
    assert titles(q="bicycle") == ["Bicycle lanes"]
    assert titles(q='"*') == []
    assert titles(order="supported") == ["Trees", "Bicycle lanes"]
    assert titles(order="newest") == ["Trees", "Bicycle lanes"]
    assert titles(order="random", seed=7) == titles(order="random", seed=7)
    assert set(titles(order="random", seed=7)) == {a.title, b.title}
    assert titles(q="trees", order="relevance") == ["Trees"]


@pytest.mark.parametrize(
    ("params", "status", "key"),
    [
        ({"process": "nope"}, 400, "process"),
        ({"topic": "nope"}, 400, "topic"),
        ({"district": "nope"}, 400, "district"),
        ({"order": "relevance"}, 400, "order"),
        ({"page": 5}, 400, "page"),
        ({"order": "sideways"}, 422, None),
        ({"answer_state": "maybe"}, 422, None),
        ({"page": 0}, 422, None),
        ({"q": "x" * 201}, 422, None),
    ],
)
def test_list_bad_parameters(client, process, params, status, key):
    response = client.get(BASE, params)
    assert response.status_code == status
    detail = response.json()["detail"]
    if key:
        assert key in detail


def test_detail(client, proposal, coauthor):
    CoauthorshipFactory(proposal=proposal)  # pending: not listed
    response = client.get(f"{BASE}{proposal.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "A car-free market square"
    assert body["coauthors"] == [{"id": str(coauthor.public_id), "name": "Cora Coauthor"}]
    assert body["answer"]["state"] == "not_answered" and body["attachments"] == []
    assert body["url"].endswith(f"/processes/{proposal.process.slug}/proposals/{proposal.pk}/")


def test_detail_hidden_or_unknown_is_404(client, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(is_hidden=True)
    assert client.get(f"{BASE}{proposal.pk}").status_code == 404
    assert client.get(f"{BASE}99999").json() == {"detail": "Not found."}
    assert client.get(f"{BASE}abc").status_code in (404, 422)


def test_support_with_a_token(client, proposal, citizen):
    headers = bearer(citizen)
    response = client.post(f"{BASE}{proposal.pk}/support", headers=headers)
    assert response.status_code == 200
    assert response.json() == {
        "supported": True,
        "changed": True,
        "support_count": 1,
        "qualified": False,
    }
    again = client.post(f"{BASE}{proposal.pk}/support", headers=headers).json()
    assert again["changed"] is False and again["support_count"] == 1
    mine = client.get(f"{BASE}{proposal.pk}", headers=headers).json()
    assert mine["supported"] is True
    removed = client.delete(f"{BASE}{proposal.pk}/support", headers=headers).json()
    assert removed == {"supported": False, "changed": True, "support_count": 0, "qualified": False}


def test_support_with_a_session_needs_csrf(proposal, citizen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(f"{BASE}{proposal.pk}/support")
    assert response.status_code in (401, 403)
    assert not Support.objects.exists()


def test_support_anonymous_is_401(client, proposal):
    response = client.post(f"{BASE}{proposal.pk}/support")
    assert response.status_code == 401
    assert "Authentication required" in response.json()["detail"]


def test_support_refusals(client, proposal, citizen):
    headers = bearer(citizen)
    Process.objects.filter(pk=proposal.process_id).update(supports_require_residence=True)
    response = client.post(f"{BASE}{proposal.pk}/support", headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only verified residents can support proposals in this process."
    )
    resident = make_resident()
    assert client.post(f"{BASE}{proposal.pk}/support", headers=bearer(resident)).status_code == 200

    set_active_phase(proposal.process, PhaseKind.EVALUATION)
    response = client.post(f"{BASE}{proposal.pk}/support", headers=bearer(resident))
    assert response.status_code == 400
    assert "supports are closed" in response.json()["detail"]


def test_support_blocked_is_403(client, proposal, citizen):
    headers = bearer(citizen)
    citizen.blocked_at = timezone.now()
    citizen.save()
    response = client.post(f"{BASE}{proposal.pk}/support", headers=headers)
    assert response.status_code in (401, 403)
    assert not Support.objects.exists()


def test_support_withdrawn_is_400_hidden_404(client, proposal, citizen):
    headers = bearer(citizen)
    services.proposal_withdraw(actor=proposal.author, proposal=proposal)
    response = client.post(f"{BASE}{proposal.pk}/support", headers=headers)
    assert response.status_code == 400 and "withdrawn" in response.json()["detail"]
    hidden = ProposalFactory(process=proposal.process, is_hidden=True)
    assert client.post(f"{BASE}{hidden.pk}/support", headers=headers).status_code == 404


def test_support_qualifies(client, proposal):
    from wegov.accounts.tests.factories import UserFactory

    for _n in range(2):
        services.support_add(actor=UserFactory(), proposal=proposal)
    body = client.post(f"{BASE}{proposal.pk}/support", headers=bearer(UserFactory())).json()
    assert body["support_count"] == 3 and body["qualified"] is True
