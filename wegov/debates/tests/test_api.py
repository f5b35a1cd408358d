"""GET /api/v1/debates/ and /api/v1/debates/{id}."""

import pytest
from django.utils import timezone

from wegov.debates.tests.factories import DebateFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/debates/"


@pytest.fixture
def process(department):
    return ProcessFactory(slug="marktplein", organisation=department, phase=PhaseKind.DEBATE)


def test_list_is_public_paginated_and_filtered(client, process, citizen):
    topic = TopicFactory(slug="mobility", name="Mobility")
    official = DebateFactory(process=process, official=True, topic=topic, title="Official")
    closed = DebateFactory(process=process, author=citizen, closed=True, title="Closed")
    DebateFactory(process=process, is_hidden=True, title="Hidden")
    DebateFactory(process=ProcessFactory(is_published=False), title="Unpublished")
    other = DebateFactory(title="Elsewhere")

    body = client.get(URL).json()
    assert body["count"] == 3 and body["page"] == 1 and body["pages"] == 1
    assert {d["title"] for d in body["results"]} == {"Official", "Closed", "Elsewhere"}

    body = client.get(URL, {"process": "marktplein"}).json()
    assert [d["id"] for d in body["results"]] == [closed.pk, official.pk]
    assert client.get(URL, {"process": process.pk}).json()["count"] == 2

    body = client.get(URL, {"process": "marktplein", "state": "closed"}).json()
    (row,) = body["results"]
    assert row["id"] == closed.pk
    assert row["conclusion"] == "We keep the square car-free on Saturdays."
    assert row["state"] == "closed" and row["closed_at"]
    assert row["opened_by"] == "Anna Citizen" and row["official"] is False
    assert row["url"] == f"/processes/marktplein/debates/{closed.pk}/"

    (row,) = client.get(URL, {"state": "open", "topic": "mobility"}).json()["results"]
    assert row["id"] == official.pk
    assert row["opened_by"] == "Public Works" and row["opened_by_organisation"] == "Public Works"
    assert row["topic"] == {"slug": "mobility", "name": "Mobility"}
    assert row["conclusion"] == "" and row["closed_at"] is None
    assert row["process"] == {"id": process.pk, "slug": "marktplein", "title": process.title}
    marktplein = client.get(URL, {"process": "marktplein"}).json()["results"]
    assert other.pk not in [d["id"] for d in marktplein]


def test_pages(client, process):
    for _n in range(25):
        DebateFactory(process=process)
    first = client.get(URL, {"page": 1}).json()
    second = client.get(URL, {"page": 2}).json()
    assert first["count"] == 25 and first["pages"] == 2
    assert len(first["results"]) == 20 and len(second["results"]) == 5
    assert not {d["id"] for d in first["results"]} & {d["id"] for d in second["results"]}


def test_list_query_count(client, process, django_assert_max_num_queries):
    for n in range(20):
        DebateFactory(process=process, topic=TopicFactory(), official=n % 2 == 0)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"process": "marktplein"})
    assert response.status_code == 200 and len(response.json()["results"]) == 20


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"state": "archived"}, 422),
        ({"order": "random"}, 422),
        ({"page": "abc"}, 422),
        ({"process": "no-such-process"}, 404),
    ],
)
def test_bad_parameters_are_4xx_json(client, process, params, status):
    response = client.get(URL, params)
    assert response.status_code == status
    assert "detail" in response.json()


def test_one_debate(client, process):
    debate = DebateFactory(process=process, closed=True)
    body = client.get(f"{URL}{debate.pk}").json()
    assert body["id"] == debate.pk and body["conclusion"]


@pytest.mark.parametrize("kind", ["hidden", "unpublished", "missing"])
def test_hidden_unpublished_or_missing_debate_is_404(client, process, kind):
    if kind == "hidden":
        debate_id = DebateFactory(process=process, is_hidden=True, hidden_at=timezone.now()).pk
    elif kind == "unpublished":
        debate_id = DebateFactory(process=ProcessFactory(is_published=False)).pk
    else:
        debate_id = 999999
    response = client.get(f"{URL}{debate_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
