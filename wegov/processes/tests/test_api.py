import datetime as dt

import pytest
from django.utils import timezone

from wegov.accounts.services import token_create
from wegov.processes.models import PhaseKind

from .factories import ProcessFactory, TopicFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Each time it is asked, not once at import: a run can cross the city's midnight.
    return timezone.localdate()


LIST = "/api/v1/processes/"


def test_list_is_public_and_paginated(client, django_assert_max_num_queries):
    for _ in range(23):
        ProcessFactory()
    ProcessFactory(is_published=False, title="Secret draft")
    with django_assert_max_num_queries(3):  # count, page, phases
        response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"], body["per_page"]) == (23, 1, 2, 20)
    assert len(body["results"]) == 20
    assert "Secret draft" not in str(body)
    second = client.get(LIST, {"page": 2}).json()
    assert len(second["results"]) == 3
    assert {r["slug"] for r in body["results"]}.isdisjoint(r["slug"] for r in second["results"])


def test_list_queries_do_not_grow_with_the_page(client, django_assert_max_num_queries):
    ProcessFactory()
    with django_assert_max_num_queries(3):
        client.get(LIST)
    for _ in range(15):
        ProcessFactory(phase=PhaseKind.DEBATE)
    with django_assert_max_num_queries(3):
        client.get(LIST)


def test_list_item_shape(client, westwijk):
    topic = TopicFactory(name="Green spaces", slug="green-spaces")
    process = ProcessFactory(
        slug="green-westwijk",
        title="Green Westwijk",
        scope="district",
        district=westwijk,
        topic=topic,
        phase=PhaseKind.DEBATE,
    )
    item = client.get(LIST).json()["results"][0]
    assert item == {
        "slug": "green-westwijk",
        "title": "Green Westwijk",
        "summary": process.summary,
        "url": "http://testserver/processes/green-westwijk/",
        "scope": "district",
        "district": {"slug": "westwijk", "name": "Westwijk"},
        "topic": {"slug": "green-spaces", "name": "Green spaces"},
        "organisation": process.organisation.name,
        "starts_on": (today() - dt.timedelta(days=30)).isoformat(),
        "ends_on": (today() + dt.timedelta(days=60)).isoformat(),
        "status": "active",
        "active_phase": {
            "id": item["active_phase"]["id"],
            "kind": "debate",
            "kind_label": "Debate",
            "title": "Debate",
            "description": "",
            "starts_on": (today() - dt.timedelta(days=10)).isoformat(),
            "ends_on": (today() + dt.timedelta(days=10)).isoformat(),
            "state": "active",
            "actions": ["comment", "debate", "support"],
        },
    }


def test_list_filters(client, westwijk):
    topic = TopicFactory(slug="green")
    local = ProcessFactory(scope="district", district=westwijk, topic=topic)
    city = ProcessFactory()

    def slugs(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return [r["slug"] for r in response.json()["results"]]

    assert slugs(district="westwijk") == [local.slug]
    assert slugs(district="city") == [city.slug]
    assert slugs(topic="green") == [local.slug]
    assert set(slugs(status="active")) == {local.slug, city.slug}
    assert slugs(status="past") == []


@pytest.mark.parametrize(
    ("params", "status", "key"),
    [
        ({"district": "atlantis"}, 400, "district"),
        ({"topic": "nope"}, 400, "topic"),
        ({"page": 5}, 400, "page"),
        ({"status": "someday"}, 422, None),
        ({"page": 0}, 422, None),
        ({"page": "one"}, 422, None),
    ],
)
def test_bad_filters_give_a_reason(client, params, status, key):
    ProcessFactory()
    response = client.get(LIST, params)
    assert response.status_code == status
    detail = response.json()["detail"]
    if key:
        assert detail[key][0]
    else:
        assert detail


def test_detail_has_phases_active_phase_and_allowed_actions(client, django_assert_max_num_queries):
    process = ProcessFactory(
        phase=PhaseKind.PROPOSALS,
        description="<p>Hello <strong>you</strong></p>",
        citizens_may_open_debates=True,
    )
    with django_assert_max_num_queries(2):
        response = client.get(f"{LIST}{process.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "<p>Hello <strong>you</strong></p>"
    assert body["is_published"] is True and body["image"] is None
    assert [(p["kind"], p["state"]) for p in body["phases"]] == [
        ("information", "past"),
        ("proposals", "active"),
        ("implementation", "upcoming"),
    ]
    assert body["active_phase"]["kind"] == "proposals"
    assert body["allowed_actions"] == ["propose", "support", "comment"]
    assert body["support_threshold"] == 3 and body["citizens_may_open_debates"] is True


def test_detail_in_evaluation_allows_nothing(client):
    process = ProcessFactory(phase=PhaseKind.EVALUATION)
    assert client.get(f"{LIST}{process.slug}").json()["allowed_actions"] == []


def test_drafts_are_404_except_for_managers(client, citizen, process_manager):
    from conftest import enable_totp

    draft = ProcessFactory(is_published=False)
    url = f"{LIST}{draft.slug}"
    assert client.get(url).status_code == 404
    assert client.get(url).json() == {"detail": "Not found."}
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    client.logout()
    enable_totp(process_manager)
    _token, key = token_create(actor=process_manager, name="cli", second_factor=True)
    response = client.get(url, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["is_published"] is False
    # Drafts never appear in the list, even for managers.
    listed = client.get(LIST, headers={"Authorization": f"Bearer {key}"}).json()
    assert draft.slug not in str(listed)


def test_unknown_process_is_404(client):
    assert client.get(f"{LIST}nothing").status_code == 404


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/processes/" in paths and "/api/v1/processes/{slug}" in paths
