import pytest

from wegov.accountability import services
from wegov.processes.tests.factories import ProcessFactory

from .conftest import jpeg_with_gps
from .factories import MilestoneFactory, ResultFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/results/"


def test_list_and_filters(client, process, department, city):
    ResultFactory(process=process, title="Benches", status="done", progress=100, district=city)
    ResultFactory(process=ProcessFactory(organisation=department, slug="park"), title="Playground")
    ResultFactory(process=process, title="Source one", source_kind="proposal", source_id=5)
    body = client.get(URL).json()
    assert body["count"] == 3 and body["pages"] == 1
    assert {r["title"] for r in client.get(URL, {"status": "done"}).json()["results"]} == {
        "Benches"
    }
    assert {r["title"] for r in client.get(URL, {"process": "park"}).json()["results"]} == {
        "Playground"
    }
    assert {r["title"] for r in client.get(URL, {"district": "centrum"}).json()["results"]} == {
        "Benches"
    }
    only = client.get(URL, {"source_kind": "proposal"}).json()["results"]
    assert only[0]["source"] == {"kind": "proposal", "id": 5}


def test_list_leaves_out_hidden_and_unpublished(client, process, department):
    ResultFactory(process=process, is_hidden=True)
    ResultFactory(process=ProcessFactory(organisation=department, is_published=False))
    assert client.get(URL).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "status", "key"),
    [
        ({"process": "nope"}, 400, "process"),
        ({"district": "nowhere"}, 400, "district"),
        ({"page": 9}, 400, "page"),
        ({"status": "finished"}, 422, None),
        ({"page": 0}, 422, None),
    ],
)
def test_list_errors_have_reasons(client, result, params, status, key):
    response = client.get(URL, params)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert detail
    if key:
        assert key in detail


def test_list_query_count(client, process, department, django_assert_max_num_queries):
    for i in range(20):
        ResultFactory(process=process, title=f"Result {i}")
    with django_assert_max_num_queries(4):
        body = client.get(URL).json()
    assert len(body["results"]) == 20


def test_detail(client, result, staff):
    services.result_update_status(
        actor=staff, result=result, status="in_progress", progress=20, note="Go."
    )
    MilestoneFactory(result=result, title="Ordered")
    services.photo_add(actor=staff, result=result, image=jpeg_with_gps(), alt_text="Work site")
    body = client.get(f"{URL}{result.pk}").json()
    assert body["progress"] == 20 and body["status"] == "in_progress"
    assert body["milestones"][0]["title"] == "Ordered"
    assert body["photos"][0]["alt_text"] == "Work site"
    assert [u["note"] for u in body["updates"]] == ["Go."]
    assert "author" not in body["updates"][0]


def test_detail_query_count(client, result, django_assert_max_num_queries):
    MilestoneFactory.create_batch(5, result=result)
    with django_assert_max_num_queries(6):
        assert client.get(f"{URL}{result.pk}").status_code == 200


def test_detail_404(client, result):
    assert client.get(f"{URL}999999").status_code == 404
    result.is_hidden = True
    result.save(update_fields=["is_hidden"])
    response = client.get(f"{URL}{result.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/results/" in paths
    assert "/api/v1/results/{result_id}" in paths
