import pytest
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.comments.models import Comment, CommentVote
from wegov.reports.tests.factories import ReportFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/comments/"


def test_list_is_public_paginated_and_nested(client, target, citizen):
    top = CommentFactory(target_id=target.pk, body="Top", stance="for", upvotes=2)
    CommentFactory(parent=top, body="Reply")
    hidden = CommentFactory(
        target_id=target.pk, body="Secret", is_hidden=True, hidden_reason="Spam"
    )
    CommentFactory(parent=hidden, body="Under hidden")
    response = client.get(URL, {"kind": "report", "id": target.pk, "sort": "best"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3 and data["pages"] == 1 and data["page"] == 1
    assert data["stance_counts"] == {"for": 1, "against": 0, "neutral": 0}
    first, second = data["results"]
    assert first["body"] == "Top" and first["stance"] == "for" and first["upvotes"] == 2
    assert first["replies"][0]["body"] == "Reply" and first["replies"][0]["depth"] == 1
    assert first["url"].endswith(f"#comment-{top.pk}")
    assert first["author"]["name"] == top.author.public_name
    assert "email" not in str(first["author"])
    assert second["hidden"] is True and second["body"] is None and second["author"] is None
    assert second["hidden_reason"] == "Spam"
    assert second["replies"][0]["body"] == "Under hidden"


def test_list_shows_the_viewers_votes(client, target, citizen):
    comment = CommentFactory(target_id=target.pk)
    CommentVote.objects.create(comment=comment, user=citizen, value=-1)
    client.force_login(citizen)
    data = client.get(URL, {"kind": "report", "id": target.pk}).json()
    assert data["results"][0]["your_vote"] == -1


def test_list_queries_do_not_grow(client, target, django_assert_max_num_queries):
    authors = [UserFactory() for _ in range(3)]
    for n in range(60):
        top = CommentFactory(target_id=target.pk, author=authors[n % 3])
        CommentFactory(parent=top, author=authors[(n + 1) % 3])
    with django_assert_max_num_queries(4):
        data = client.get(URL, {"kind": "report", "id": target.pk, "page": 2}).json()
    assert data["pages"] == 2 and len(data["results"]) == 10 and data["top_level_count"] == 60


@pytest.mark.parametrize(
    "params, status",
    [
        ({"kind": "report", "id": 999999}, 404),
        ({"kind": "nope", "id": 1}, 404),
        ({"kind": "report"}, 422),
        ({"kind": "report", "id": "x"}, 422),
        ({"kind": "report", "id": "TARGET", "sort": "random"}, 422),
        ({"kind": "report", "id": "TARGET", "page": 5}, 404),
    ],
)
def test_list_bad_queries(client, target, params, status):
    params = {k: (target.pk if v == "TARGET" else v) for k, v in params.items()}
    response = client.get(URL, params)
    assert response.status_code == status
    assert "detail" in response.json()


def test_list_of_a_kind_without_comments_is_404(client, db):
    report = ReportFactory()
    assert client.get(URL, {"kind": "report", "id": report.pk}).status_code == 404


def test_post_comment_and_reply(client, target, citizen, other_citizen):
    client.force_login(citizen)
    response = client.post(
        URL,
        {"kind": "report", "id": target.pk, "body": "Via the API", "stance": "against"},
        content_type="application/json",
    )
    assert response.status_code == 201
    data = response.json()
    assert data["body"] == "Via the API" and data["stance"] == "against" and data["depth"] == 0
    client.force_login(other_citizen)
    reply = client.post(
        URL,
        {"kind": "report", "id": target.pk, "body": "Reply", "parent": data["id"]},
        content_type="application/json",
    )
    assert reply.status_code == 201 and reply.json()["parent_id"] == data["id"]


def test_post_requires_authentication(client, target):
    response = client.post(
        URL, {"kind": "report", "id": target.pk, "body": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert not Comment.objects.exists()


def test_post_refusals_carry_the_reason(client, target, citizen, policy):
    client.force_login(citizen)
    policy.reason = "Comments are closed in this process."
    response = client.post(
        URL, {"kind": "report", "id": target.pk, "body": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Comments are closed in this process."}


def test_blocked_user_is_refused(client, target):
    client.force_login(UserFactory(blocked_at=timezone.now()))
    response = client.post(
        URL, {"kind": "report", "id": target.pk, "body": "x"}, content_type="application/json"
    )
    assert response.status_code == 403 and "blocked" in response.json()["detail"]


@pytest.mark.parametrize(
    "payload, status, field",
    [
        ({"body": ""}, 400, "body"),
        ({"body": "x" * 2001}, 400, "body"),
        ({"body": "ok", "stance": "sideways"}, 400, "stance"),
        ({"body": "ok", "parent": 999999}, 400, "parent"),
        ({"body": "x" * 10_001}, 422, None),
        ({}, 422, None),
    ],
)
def test_post_bad_input(client, target, citizen, payload, status, field):
    client.force_login(citizen)
    response = client.post(
        URL, {"kind": "report", "id": target.pk, **payload}, content_type="application/json"
    )
    assert response.status_code == status
    if field:
        assert field in response.json()["detail"]
    assert not Comment.objects.exists()


def test_post_html_is_kept_as_text(client, target, citizen):
    client.force_login(citizen)
    body = "<img src=x onerror=alert(1)>"
    data = client.post(
        URL, {"kind": "report", "id": target.pk, "body": body}, content_type="application/json"
    ).json()
    assert data["body"] == body  # JSON carries text; pages escape it


def test_vote_endpoint(client, target, citizen, other_citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen)
    client.force_login(other_citizen)
    url = f"{URL}{comment.pk}/vote"
    response = client.post(url, {"value": 1}, content_type="application/json")
    assert response.json() == {"id": comment.pk, "upvotes": 1, "downvotes": 0, "your_vote": 1}
    response = client.post(url, {"value": -1}, content_type="application/json")
    assert response.json()["downvotes"] == 1 and response.json()["upvotes"] == 0
    response = client.post(url, {"value": 0}, content_type="application/json")
    assert response.json()["your_vote"] == 0
    assert client.post(url, {"value": 3}, content_type="application/json").status_code == 422
    client.force_login(citizen)
    response = client.post(url, {"value": 1}, content_type="application/json")
    assert response.status_code == 403 and "own comment" in response.json()["detail"]
    missing = client.post(f"{URL}424242/vote", {"value": 1}, content_type="application/json")
    assert missing.status_code == 404


def test_edit_and_delete_endpoints(client, target, citizen, other_citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen, body="Before")
    url = f"{URL}{comment.pk}"
    client.force_login(other_citizen)
    assert client.patch(url, {"body": "Hijack"}, content_type="application/json").status_code == 403
    assert client.delete(url).status_code == 403
    client.force_login(citizen)
    response = client.patch(url, {"body": "After"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["edited_at"]
    response = client.delete(url)
    assert response.status_code == 200
    assert response.json()["deleted"] is True and response.json()["body"] is None
