"""Who may vote, see results, delegate and manage: role x phase matrices.

The rule set itself (``rules.has_perm``): Django's ``User.has_perm`` lets an
active superuser do anything, so it would hide the rules from the test."""

import datetime as dt

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import set_active_phase
from wegov.voting.models import Poll

from .factories import PollFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "other_citizen",
    "other_staff",
    "moderator",
    "process_manager",
    "admin_user",
    "blocked",
]


@pytest.fixture
def blocked(db):
    from wegov.accounts.tests.factories import UserFactory

    return UserFactory(display_name="Blocked", blocked_at=timezone.now())


def _user(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


VOTERS = {"citizen", "other_citizen", "other_staff", "moderator", "process_manager", "admin_user"}


@pytest.mark.parametrize("phase", list(PhaseKind.values))
@pytest.mark.parametrize("role", ROLES)
def test_vote_matrix(request, ranked, role, phase):
    set_active_phase(ranked.process, phase)
    poll = Poll.objects.select_related("process").get(pk=ranked.pk)
    expected = role in VOTERS and phase == PhaseKind.VOTING
    assert rules.has_perm("voting.vote", _user(request, role), poll) is expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["upcoming", "closed", "draft", "process_draft"])
def test_nobody_votes_outside_an_open_published_poll(request, ranked, role, state):
    now = timezone.now()
    if state == "upcoming":
        ranked.opens_at, ranked.closes_at = now + dt.timedelta(hours=1), now + dt.timedelta(days=1)
    elif state == "closed":
        ranked.opens_at, ranked.closes_at = now - dt.timedelta(days=2), now - dt.timedelta(hours=1)
    elif state == "draft":
        ranked.is_published = False
    else:
        ranked.process.is_published = False
    assert rules.has_perm("voting.vote", _user(request, role), ranked) is False


MANAGERS = {"process_manager", "admin_user"}


@pytest.mark.parametrize("role", ROLES)
def test_manage_matrix(request, process, role):
    assert rules.has_perm("voting.manage_polls", _user(request, role), process) is (
        role in MANAGERS
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("visibility", "state", "public_sees"),
    [
        ("after_close", "open", False),
        ("after_close", "closed", True),
        ("live", "open", True),
        ("live", "upcoming", False),
        ("live", "closed", True),
    ],
)
def test_results_matrix(request, process, role, visibility, state, public_sees):
    now = timezone.now()
    opens, closes = {
        "open": (now - dt.timedelta(days=1), now + dt.timedelta(days=1)),
        "closed": (now - dt.timedelta(days=2), now - dt.timedelta(days=1)),
        "upcoming": (now + dt.timedelta(days=1), now + dt.timedelta(days=2)),
    }[state]
    poll = PollFactory(
        process=process, results_visibility=visibility, opens_at=opens, closes_at=closes
    )
    expected = public_sees or role in MANAGERS
    assert rules.has_perm("voting.view_results", _user(request, role), poll) is expected


@pytest.mark.parametrize("role", ROLES)
def test_draft_poll_visible_to_managers_only(request, ranked, role):
    ranked.is_published = False
    assert rules.has_perm("voting.view_poll", _user(request, role), ranked) is (role in MANAGERS)


@pytest.mark.parametrize("phase", list(PhaseKind.values))
@pytest.mark.parametrize("role", ROLES)
def test_delegate_matrix(request, process, role, phase):
    """Delegation is open in every phase of a running process with delegation on."""
    set_active_phase(process, phase)
    assert rules.has_perm("voting.delegate", _user(request, role), process) is (role in VOTERS)


@pytest.mark.parametrize("role", ROLES)
def test_no_delegation_when_switched_off_or_over(request, department, role):
    from wegov.processes.tests.factories import ProcessFactory

    from .factories import enable_delegation

    off = ProcessFactory(organisation=department, phase=PhaseKind.VOTING)
    over = ProcessFactory(organisation=department, phase=PhaseKind.VOTING)
    enable_delegation(over)
    today = timezone.localdate()
    over.phases.update(
        starts_on=today - dt.timedelta(days=90), ends_on=today - dt.timedelta(days=80)
    )
    over.starts_on, over.ends_on = today - dt.timedelta(days=90), today - dt.timedelta(days=80)
    over.save(update_fields=["starts_on", "ends_on"])
    user = _user(request, role)
    assert rules.has_perm("voting.delegate", user, off) is False
    assert rules.has_perm("voting.delegate", user, over) is False
