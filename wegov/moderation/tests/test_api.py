"""/api/v1/moderation/: reporting content, and the moderators' queue and decisions."""

import pytest

from conftest import ROLES, make_api_token
from wegov.core.models import AuditEntry
from wegov.moderation.models import Flag, ModerationCase

from .factories import flag_by_many

pytestmark = pytest.mark.django_db

BASE = "/api/v1/moderation/"
MODERATORS = {"moderator", "admin_user"}


def bearer(user) -> dict:
    key = make_api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, path, data, user=None):
    headers = bearer(user) if user is not None else {}
    return client.post(BASE + path, data, content_type="application/json", **headers)


def test_reporting_content(client, report, other_citizen, threshold):
    response = post(
        client, "flags", {"kind": "report", "id": report.pk, "reason": "spam"}, other_citizen
    )
    assert response.status_code == 201
    assert response.json() == {"kind": "report", "id": report.pk, "hidden": False}
    assert Flag.objects.get().reporter == other_citizen
    again = post(
        client, "flags", {"kind": "report", "id": report.pk, "reason": "spam"}, other_citizen
    )
    assert again.status_code == 403 and "already reported" in again.json()["detail"]


def test_the_last_report_before_the_threshold_hides(client, report, other_citizen, threshold):
    flag_by_many(report, threshold - 1)
    response = post(
        client, "flags", {"kind": "report", "id": report.pk, "reason": "offensive"}, other_citizen
    )
    assert response.json()["hidden"] is True
    report.refresh_from_db()
    assert report.is_hidden


@pytest.mark.parametrize(
    ("data", "status", "text"),
    [
        ({"kind": "report", "reason": "because"}, 422, ""),
        ({"kind": "report", "reason": "other"}, 400, "Tell the moderators what is wrong."),
        ({"kind": "nothing", "reason": "spam"}, 404, ""),
    ],
)
def test_bad_reports_are_4xx_with_a_reason(client, report, other_citizen, data, status, text):
    response = post(client, "flags", {"id": report.pk, **data}, other_citizen)
    assert response.status_code == status, response.content
    assert text in str(response.json()["detail"])
    assert not Flag.objects.exists()


def test_own_content_and_visitors(client, report, citizen):
    own = post(client, "flags", {"kind": "report", "id": report.pk, "reason": "spam"}, citizen)
    assert own.status_code == 403 and "your own" in own.json()["detail"]
    visitor = post(client, "flags", {"kind": "report", "id": report.pk, "reason": "spam"})
    assert visitor.status_code == 401


@pytest.mark.parametrize("role", [*ROLES, "staff"])
def test_queue_permission_matrix(client, report, role, request):
    flag_by_many(report, 2, reason="personal_data")
    user = None if role == "anonymous" else request.getfixturevalue(role)
    headers = bearer(user) if user is not None else {}
    response = client.get(BASE + "cases", **headers)
    if role == "anonymous":
        assert response.status_code == 401
    elif role in MODERATORS:
        assert response.status_code == 200
        (case,) = response.json()["results"]
        assert case["kind"] == "report" and case["id"] == report.pk
        assert case["open_flags"] == 2 and case["state"] == "pending"
        assert case["reasons"] == [{"reason": "personal_data", "count": 2}]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [*ROLES, "staff"])
def test_hide_and_restore_permission_matrix(client, report, role, request):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = post(
        client, f"cases/report/{report.pk}/hide", {"public_reason": "Insults a neighbour."}, user
    )
    report.refresh_from_db()
    if role in MODERATORS:
        assert response.status_code == 200
        body = response.json()
        assert body["state"] == "hidden" and body["hidden"] is True
        assert body["public_reason"] == "Insults a neighbour."
        assert report.is_hidden and report.hidden_reason == "Insults a neighbour."
        assert AuditEntry.objects.filter(actor=user, action__startswith="moderation.").exists()
        restored = post(
            client, f"cases/report/{report.pk}/restore", {"note": "Fine after all."}, user
        )
        assert restored.status_code == 200 and restored.json()["state"] == "restored"
        report.refresh_from_db()
        assert not report.is_hidden
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert not report.is_hidden
        assert not ModerationCase.objects.filter(state="hidden").exists()


def test_hiding_needs_a_public_reason(client, report, moderator):
    response = post(client, f"cases/report/{report.pk}/hide", {"public_reason": "  "}, moderator)
    assert response.status_code == 400 and "public_reason" in response.json()["detail"]
    report.refresh_from_db()
    assert not report.is_hidden
    missing = post(client, "cases/report/999999/hide", {"public_reason": "x"}, moderator)
    assert missing.status_code == 404
