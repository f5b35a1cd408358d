"""Who may do what, as a matrix over roles (pages) and over phases (services)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import ROLES
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import set_active_phase
from wegov.proposals import services
from wegov.proposals.models import Proposal, Support

pytestmark = pytest.mark.django_db

# ROLES plus the roles proposals know: its author and co-author, staff of the
# process's organisation ("staff": Public Works runs the test process), and
# process managers. "other_staff" is staff of another department.
ALL_ROLES = [*ROLES, "author", "coauthor", "staff", "process_manager"]
LOGGED_IN = [r for r in ALL_ROLES if r != "anonymous"]

MAY = {
    "create": set(LOGGED_IN),
    "support": set(LOGGED_IN),
    "edit": {"author", "coauthor"},
    "withdraw": {"author"},
    "invite": {"author"},
    "answer": {"staff", "process_manager", "admin_user"},
}
PAGE = {
    "create": "proposals:create",
    "edit": "proposals:edit",
    "withdraw": "proposals:withdraw",
    "invite": "proposals:coauthor_invite",
    "answer": "proposals:answer",
}


def _login(as_role, role, request):
    if role == "coauthor":
        request.getfixturevalue("coauthor")
    return as_role(role)


@pytest.mark.parametrize("action", list(PAGE))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_pages_by_role(as_role, request, proposal, role, action):
    client, _user = _login(as_role, role, request)
    if action == "create":
        url = reverse(PAGE[action], args=[proposal.process.slug])
    else:
        url = reverse(PAGE[action], args=[proposal.process.slug, proposal.pk])
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in MAY[action]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_support_by_role(as_role, request, proposal, role):
    client, _user = _login(as_role, role, request)
    client.post(reverse("proposals:support", args=[proposal.process.slug, proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.support_count == (1 if role in MAY["support"] else 0)
    assert Support.objects.count() == proposal.support_count


@pytest.mark.parametrize("role", ALL_ROLES)
def test_answer_post_by_role(as_role, request, proposal, role):
    client, _user = _login(as_role, role, request)
    client.post(
        reverse("proposals:answer", args=[proposal.process.slug, proposal.pk]),
        {"answer_state": "rejected", "answer_text": "No budget."},
    )
    proposal.refresh_from_db()
    assert proposal.is_answered == (role in MAY["answer"])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_withdraw_post_by_role(as_role, request, proposal, role):
    client, _user = _login(as_role, role, request)
    client.post(reverse("proposals:withdraw", args=[proposal.process.slug, proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.is_withdrawn == (role in MAY["withdraw"])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_edit_post_by_role(as_role, request, proposal, role):
    client, _user = _login(as_role, role, request)
    client.post(
        reverse("proposals:edit", args=[proposal.process.slug, proposal.pk]),
        {"title": "Changed", "body": "Changed body"},
    )
    proposal.refresh_from_db()
    assert (proposal.title == "Changed") == (role in MAY["edit"])


# --- By phase (services) ---------------------------------------------------------------------

OPEN_IN = {
    "create": {PhaseKind.PROPOSALS},
    "support": {PhaseKind.PROPOSALS, PhaseKind.DEBATE},
    "edit": {PhaseKind.PROPOSALS},
    "withdraw": set(PhaseKind.values),
    "answer": set(PhaseKind.values),
}


def _attempt(action, proposal, citizen, staff):
    data = services.ProposalData(title="New title", body="New body")
    if action == "create":
        return services.proposal_create(actor=citizen, process=proposal.process, data=data)
    if action == "support":
        return services.support_add(actor=citizen, proposal=proposal)
    if action == "edit":
        return services.proposal_update(actor=proposal.author, proposal=proposal, data=data)
    if action == "withdraw":
        return services.proposal_withdraw(actor=proposal.author, proposal=proposal)
    return services.proposal_answer(actor=staff, proposal=proposal, state="evaluating", text="")


@pytest.mark.parametrize("action", list(OPEN_IN))
@pytest.mark.parametrize("phase", PhaseKind.values)
def test_actions_by_phase(proposal, citizen, staff, phase, action):
    set_active_phase(proposal.process, phase)
    before = Proposal.objects.count()
    if phase in OPEN_IN[action]:
        _attempt(action, proposal, citizen, staff)
    else:
        with pytest.raises(ValidationError):
            _attempt(action, proposal, citizen, staff)
        proposal.refresh_from_db()
        assert Proposal.objects.count() == before
        assert proposal.title == "A car-free market square"
        assert proposal.support_count == 0 and not proposal.is_withdrawn


def test_nothing_before_the_first_or_after_the_last_phase(proposal, citizen):
    proposal.process.phases.all().delete()
    with pytest.raises(ValidationError, match="takes no proposals now"):
        services.proposal_create(
            actor=citizen,
            process=proposal.process,
            data=services.ProposalData(title="T", body="B"),
        )
    with pytest.raises(ValidationError, match="closed"):
        services.support_add(actor=citizen, proposal=proposal)


@pytest.mark.parametrize("role", ["citizen", "other_staff", "moderator"])
def test_answer_refused_to_others_in_any_phase(request, proposal, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.proposal_answer(actor=user, proposal=proposal, state="evaluating", text="")
