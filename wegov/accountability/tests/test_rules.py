"""Who may do what with results, as a role matrix (predicates and pages)."""

import pytest
from django.urls import reverse

from conftest import ROLES

pytestmark = pytest.mark.django_db

ALL_ROLES = [*ROLES, "staff", "process_manager"]
# "staff" is staff of Public Works, the result's responsible department;
# "other_staff" of another department.
EDITORS = {"staff", "process_manager", "admin_user"}


def _user(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_predicates(request, role, result, department):
    from django.contrib.auth.models import AnonymousUser

    user = _user(request, role) or AnonymousUser()
    assert user.has_perm("accountability.view_result", result)
    assert user.has_perm("accountability.change_result", result) == (role in EDITORS)
    assert user.has_perm("accountability.add_result", department) == (role in EDITORS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_hidden_result_only_for_editors(request, role, result):
    from django.contrib.auth.models import AnonymousUser

    result.is_hidden = True
    user = _user(request, role) or AnonymousUser()
    assert user.has_perm("accountability.view_result", result) == (role in EDITORS)


def test_result_without_department_only_for_managers(request, result):
    result.department = None
    assert not request.getfixturevalue("staff").has_perm("accountability.change_result", result)
    assert request.getfixturevalue("process_manager").has_perm(
        "accountability.change_result", result
    )


STAFF_PAGES = ["manage", "edit"]


@pytest.mark.parametrize("page", STAFF_PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_staff_pages_by_role(as_role, role, page, result):
    client, _user = as_role(role)
    response = client.get(reverse(f"accountability:{page}", args=[result.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif role in EDITORS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_status_post_by_role(as_role, role, result):
    client, _user = as_role(role)
    response = client.post(
        reverse("accountability:status", args=[result.pk]),
        {"status": "in_progress", "progress": "10"},
    )
    result.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 302
        assert result.progress == 10
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert result.progress == 0


# Creating and tracking: any staff member, process manager or administrator
# sees the pages; tracking is then limited to their own processes.
TRACKERS = {"staff", "other_staff", "process_manager", "admin_user"}


@pytest.mark.parametrize("page", ["new", "track"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_create_pages_by_role(as_role, role, page):
    client, _user = as_role(role)
    response = client.get(reverse(f"accountability:{page}"))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in TRACKERS else 403)


@pytest.mark.parametrize("role", ["staff", "other_staff", "process_manager", "admin_user"])
def test_track_post_by_role(as_role, role, accepted_proposal):
    from wegov.accountability.models import Result

    client, _user = as_role(role)
    response = client.post(reverse("accountability:track"), {"proposal": accepted_proposal.pk})
    tracked = Result.objects.filter(source_kind="proposal", source_id=accepted_proposal.pk)
    if role == "other_staff":
        # Not their process: the proposal is not among their choices.
        assert response.status_code == 400
        assert not tracked.exists()
    else:
        assert response.status_code == 302
        assert tracked.exists()
