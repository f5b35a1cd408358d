import datetime as dt

import pytest
from django.utils import timezone

from wegov.voting import services
from wegov.voting.models import Delegation, Poll, PollVote

from .conftest import option_ids
from .factories import PollFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/voting"


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data=data, content_type="application/json")


def test_list_and_detail_are_public(client, ranked, single, django_assert_max_num_queries):
    PollFactory(process=ranked.process, is_published=False, title="Draft")
    for _ in range(5):
        PollFactory(process=ranked.process)
    with django_assert_max_num_queries(4):
        body = client.get(f"{BASE}/polls").json()
    assert len(body) == 7
    assert "Draft" not in {p["title"] for p in body}
    assert len(client.get(f"{BASE}/polls", {"process": "square"}).json()) == 7
    assert client.get(f"{BASE}/polls", {"process": "nowhere"}).status_code == 404
    detail = client.get(f"{BASE}/polls/{ranked.pk}").json()
    assert detail["kind"] == "ranked" and detail["state"] == "open"
    assert [o["label"] for o in detail["options"]] == ["Park", "Market", "Parking"]


def test_draft_is_404(client, ranked):
    Poll.objects.filter(pk=ranked.pk).update(is_published=False)
    assert client.get(f"{BASE}/polls/{ranked.pk}").status_code == 404


def test_cast_change_read_and_withdraw_a_vote(as_role, ranked):
    client, user = as_role("citizen")
    ids = option_ids(ranked)
    url = f"{BASE}/polls/{ranked.pk}/vote"
    response = _json(client, "put", url, {"ranks": {str(ids["Market"]): 1, str(ids["Park"]): 2}})
    assert response.status_code == 200, response.content
    assert response.json()["choices"] == [ids["Market"], ids["Park"]]
    _json(client, "put", url, {"ranks": {str(ids["Park"]): 1}})
    assert client.get(url).json()["ranks"] == {str(ids["Park"]): 1}
    assert PollVote.objects.filter(voter=user).count() == 1
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    assert client.get(url).status_code == 404


def test_vote_errors_are_4xx_with_reasons(client, as_role, single):
    url = f"{BASE}/polls/{single.pk}/vote"
    assert _json(client, "put", url, {"choices": [1]}).status_code == 401
    client, _ = as_role("citizen")
    ids = option_ids(single)
    response = _json(client, "put", url, {"choices": [ids["Yes"], ids["No"]]})
    assert response.status_code == 400
    assert response.json()["detail"] == {"choices": ["Choose only one option."]}
    response = _json(client, "put", url, {"choices": "not a list"})
    assert response.status_code == 422
    assert _json(client, "put", f"{BASE}/polls/999999/vote", {"choices": [1]}).status_code == 404
    now = timezone.now()
    Poll.objects.filter(pk=single.pk).update(opens_at=now - dt.timedelta(days=2), closes_at=now)
    response = _json(client, "put", url, {"choices": [ids["Yes"]]})
    assert response.status_code == 403
    assert response.json()["detail"] == "This poll is closed."


def test_results(client, single, people, django_assert_max_num_queries):
    url = f"{BASE}/polls/{single.pk}/results"
    response = client.get(url)
    assert response.status_code == 403
    assert "closed" in response.json()["detail"]
    ids = option_ids(single)
    services.delegation_set(actor=people["Dee"], process=single.process, delegate=people["Ann"])
    services.vote_cast(actor=people["Ann"], poll=single, choices=[ids["No"]])
    services.vote_cast(actor=people["Ben"], poll=single, choices=[ids["Yes"]])
    Poll.objects.filter(pk=single.pk).update(closes_at=timezone.now())
    with django_assert_max_num_queries(8):
        body = client.get(url).json()
    assert body["final"] is True
    assert body["winners"] == [ids["No"]] and body["tie"] is False
    assert body["ranking"] == [[ids["No"]], [ids["Yes"]]]
    no = next(o for o in body["options"] if o["id"] == ids["No"])
    assert (no["direct"], no["delegated"], no["total"], no["place"]) == (1, 1, 2, 1)
    assert body["pairwise"] is None
    assert len(body["input_hash"]) == 64


def test_ranked_results_have_the_pairwise_matrix(client, process, people):
    poll = PollFactory(process=process, results_visibility="live")
    ids = option_ids(poll)
    services.vote_cast(actor=people["Ann"], poll=poll, ranks={ids["A"]: 1, ids["B"]: 2})
    body = client.get(f"{BASE}/polls/{poll.pk}/results").json()
    assert body["pairwise"][str(ids["A"])][str(ids["B"])] == 1
    assert body["strengths"][str(ids["A"])][str(ids["C"])] == 1
    assert body["winners"] == [ids["A"]]


def test_delegation_endpoints(client, as_role, process, people):
    url = f"{BASE}/processes/{process.slug}/delegation"
    assert client.get(url).status_code == 401
    client, user = as_role("citizen")
    body = client.get(url).json()
    assert body == {
        "process": "square",
        "delegate": None,
        "delegate_id": None,
        "chain": [],
        "delegators": [],
        "weight": 1,
    }
    services.delegation_set(actor=people["Ann"], process=process, delegate=user)
    response = _json(client, "put", url, {"delegate_id": people["Ben"].pk})
    assert response.status_code == 200
    assert response.json()["delegate"] == "Ben"
    assert response.json()["delegators"] == ["Ann"]
    assert response.json()["weight"] == 2
    response = _json(client, "put", url, {"delegate_id": people["Ann"].pk})
    assert response.status_code == 400
    assert "circle" in response.json()["detail"]["delegate"][0]
    response = _json(client, "put", url, {"delegate_id": user.pk})
    assert response.status_code == 400
    assert _json(client, "put", url, {"delegate_id": 999999}).status_code == 400
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    assert not Delegation.objects.current().filter(delegator=user).exists()
    assert client.get(f"{BASE}/processes/nowhere/delegation").status_code == 404


def test_openapi_lists_the_voting_paths(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert f"{BASE}/polls/{{poll_id}}/results" in paths
    assert "put" in paths[f"{BASE}/polls/{{poll_id}}/vote"]
