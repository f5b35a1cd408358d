"""/api/v1/me/: notifications, unread count, follows."""

import pytest
from django.utils import timezone

from conftest import ROLES
from wegov.accounts import services as account_services
from wegov.reports.tests.factories import ReportFactory
from wegov.social.models import Follow, Notification
from wegov.social.tests.factories import ActivityFactory, NotificationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/me"


@pytest.fixture
def two_notifications(publish, report, citizen, other_citizen):
    for verb in ("comment.replied", "comment.mentioned"):
        publish(
            verb,
            actor=other_citizen,
            target_kind="report",
            target_id=report.pk,
            notify=[citizen.pk],
        )
    return list(Notification.objects.filter(recipient=citizen).order_by("id"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/notifications"),
        ("get", "/unread-count"),
        ("post", "/notifications/read-all"),
        ("get", "/follows"),
    ],
)
def test_every_endpoint_needs_a_user(as_role, role, method, path):
    client, user = as_role(role)
    response = getattr(client, method)(BASE + path)
    assert response.status_code == (401 if user is None else 200)
    assert "detail" in response.json() or user is not None


def test_notifications_are_paginated_and_filterable(client, citizen, two_notifications):
    client.force_login(citizen)
    data = client.get(f"{BASE}/notifications").json()
    assert data["count"] == 2 and data["page"] == 1 and data["pages"] == 1
    newest = data["items"][0]
    assert newest["verb"] == "comment.mentioned"
    assert newest["type"] == "replies"
    assert newest["unread"] is True
    assert newest["actor"]["display_name"] == "Bram Other"
    assert newest["target"]["title"] == "Hole in the cycle path"
    assert "mentioned you" in newest["text"]
    assert newest["open_url"].endswith("/open/")
    assert client.get(f"{BASE}/unread-count").json() == {"count": 2}

    response = client.post(f"{BASE}/notifications/{two_notifications[0].pk}/read")
    assert response.json() == {"marked": 1}
    unread = client.get(f"{BASE}/notifications?unread=true").json()
    assert [item["id"] for item in unread["items"]] == [two_notifications[1].pk]
    assert client.post(f"{BASE}/notifications/read-all").json() == {"marked": 1}
    assert client.get(f"{BASE}/unread-count").json() == {"count": 0}


def test_bad_pages_and_other_peoples_notifications(client, other_citizen, two_notifications):
    client.force_login(other_citizen)
    assert client.get(f"{BASE}/notifications").json()["count"] == 0
    assert client.get(f"{BASE}/notifications?page=5").status_code == 404
    assert client.get(f"{BASE}/notifications?page=0").status_code == 422
    assert client.get(f"{BASE}/notifications?page=abc").status_code == 422
    response = client.post(f"{BASE}/notifications/{two_notifications[0].pk}/read")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_notification_list_query_count(client, citizen, category, django_assert_max_num_queries):
    for _ in range(20):
        report = ReportFactory(category=category)
        NotificationFactory(
            recipient=citizen, activity=ActivityFactory(target_kind="report", target_id=report.pk)
        )
    client.force_login(citizen)
    with django_assert_max_num_queries(8):
        data = client.get(f"{BASE}/notifications").json()
    assert len(data["items"]) == 20


def test_follow_list_create_delete(client, citizen, process):
    client.force_login(citizen)
    body = {"target_kind": "process", "target_id": process.pk}
    response = client.post(f"{BASE}/follows", body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["target"]["title"] == "A greener Centrum"
    data = client.get(f"{BASE}/follows").json()
    assert data["count"] == 1 and data["items"][0]["target_kind"] == "process"
    assert client.delete(f"{BASE}/follows/process/{process.pk}").status_code == 204
    assert client.delete(f"{BASE}/follows/process/{process.pk}").status_code == 404
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"target_kind": "spaceship", "target_id": 1}, 400),
        ({"target_kind": "process", "target_id": 987654}, 400),
        ({"target_kind": "process", "target_id": 0}, 422),
        ({"target_kind": "x" * 31, "target_id": 1}, 422),
        ({"target_kind": "process"}, 422),
    ],
)
def test_follow_bad_input(client, citizen, body, status):
    client.force_login(citizen)
    response = client.post(f"{BASE}/follows", body, content_type="application/json")
    assert response.status_code == status
    assert "detail" in response.json()
    assert not Follow.objects.exists()


def test_blocked_people_cannot_follow_through_the_api(client, citizen, process):
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    client.force_login(citizen)
    response = client.post(
        f"{BASE}/follows",
        {"target_kind": "process", "target_id": process.pk},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_token_reads_notifications(client, citizen, two_notifications):
    _token, key = account_services.token_create(actor=citizen, name="phone")
    response = client.get(f"{BASE}/unread-count", headers={"Authorization": f"Bearer {key}"})
    assert response.json() == {"count": 2}
