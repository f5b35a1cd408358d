"""Opening, closing and reopening debates through /api/v1/debates/."""

import pytest

from conftest import make_api_token
from wegov.debates.models import Debate
from wegov.debates.tests.factories import DebateFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/debates/"


def bearer(user) -> dict:
    key = make_api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def process(department):
    return ProcessFactory(
        slug="marktplein",
        organisation=department,
        phase=PhaseKind.DEBATE,
        citizens_may_open_debates=True,
    )


def open_debate(client, user=None, **data):
    body = {"process": "marktplein", "title": "Market on Sundays?", "description": "Why not."}
    body.update(data)
    headers = bearer(user) if user is not None else {}
    return client.post(URL, body, content_type="application/json", **headers)


def test_a_citizen_opens_a_debate_where_the_process_allows_it(client, process, citizen):
    TopicFactory(slug="markets", name="Markets")
    response = open_debate(client, citizen, topic="markets")
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Market on Sundays?" and body["state"] == "open"
    assert body["official"] is False and body["topic"]["slug"] == "markets"
    assert client.get(f"{URL}{body['id']}").json()["title"] == "Market on Sundays?"


def test_staff_open_an_official_debate_any_time(client, process, staff):
    process.citizens_may_open_debates = False
    process.save()
    response = open_debate(client, staff)
    assert response.status_code == 201 and response.json()["official"] is True


def test_refusals_say_why(client, process, citizen):
    process.citizens_may_open_debates = False
    process.save()
    response = open_debate(client, citizen)
    assert response.status_code == 403
    assert "only the administration opens debates" in response.json()["detail"]
    assert open_debate(client).status_code == 401
    assert not Debate.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "   "}, "title"),
        ({"description": ""}, "description"),
        ({"title": "x" * 151}, "title"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"district": "atlantis"}, "district"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, process, citizen, data, field):
    response = open_debate(client, citizen, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()["detail"]
    assert not Debate.objects.exists()


def test_unknown_process_is_404(client, process, citizen):
    assert open_debate(client, citizen, process="nowhere").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("author", 200),
        ("other_citizen", 403),
        ("other_staff", 403),
        ("moderator", 403),
        ("staff", 200),
        ("admin_user", 200),
    ],
)
def test_close_permission_matrix(client, process, role, status, request):
    author = request.getfixturevalue("citizen")
    debate = DebateFactory(process=process, author=author)
    user = author if role == "author" else None
    if role not in ("anonymous", "author"):
        user = request.getfixturevalue(role)
    headers = bearer(user) if user is not None else {}
    response = client.post(
        f"{URL}{debate.pk}/close",
        {"conclusion": "We try it for one summer."},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == status, response.content
    debate.refresh_from_db()
    assert debate.is_closed is (status == 200)
    if status == 200:
        assert response.json()["conclusion"] == "We try it for one summer."


def test_closing_needs_a_conclusion_and_an_open_debate(client, process, citizen):
    debate = DebateFactory(process=process, author=citizen)
    url = f"{URL}{debate.pk}/close"
    empty = client.post(
        url, {"conclusion": " "}, content_type="application/json", **bearer(citizen)
    )
    assert empty.status_code == 400 and "conclusion" in empty.json()["detail"]
    client.post(url, {"conclusion": "Done."}, content_type="application/json", **bearer(citizen))
    again = client.post(
        url, {"conclusion": "Again."}, content_type="application/json", **bearer(citizen)
    )
    assert again.status_code == 403 and "already closed" in again.json()["detail"]


def test_only_process_managers_reopen(client, process, citizen, process_manager):
    debate = DebateFactory(process=process, author=citizen, closed=True)
    url = f"{URL}{debate.pk}/reopen"
    refused = client.post(url, **bearer(citizen))
    assert refused.status_code == 403 and "process managers" in refused.json()["detail"]
    reopened = client.post(url, **bearer(process_manager))
    assert reopened.status_code == 200 and reopened.json()["state"] == "open"


def test_hidden_debates_cannot_be_closed(client, process, citizen):
    debate = DebateFactory(process=process, author=citizen, is_hidden=True)
    response = client.post(
        f"{URL}{debate.pk}/close",
        {"conclusion": "x"},
        content_type="application/json",
        **bearer(citizen),
    )
    assert response.status_code == 404
