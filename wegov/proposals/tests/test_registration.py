"""Proposals in the contribution and personal-data registries; events they listen to."""

import pytest
from django.utils import timezone

from wegov.accounts import services as account_services
from wegov.accounts.tests.factories import UserFactory
from wegov.core import events, personal_data, registry
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import set_active_phase
from wegov.proposals import services
from wegov.proposals.models import Coauthorship, Proposal, Support

from .factories import CoauthorshipFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_registered_kind(proposal, city):
    kind = registry.get_kind("proposal")
    assert kind.model is Proposal and kind.comment_stances and kind.commentable
    assert registry.kind_of(proposal) is kind
    Proposal.objects.filter(pk=proposal.pk).update(lat=52.15, lon=5.39, district=city)
    proposal.refresh_from_db()
    shown = kind.present(proposal)
    assert shown.kind == "proposal" and shown.id == proposal.pk
    assert shown.url == f"/processes/{proposal.process.slug}/proposals/{proposal.pk}/"
    assert shown.process_id == proposal.process_id and shown.author_id == proposal.author_id
    assert (shown.lat, shown.lon, shown.district) == (52.15, 5.39, "centrum")
    assert shown.status == "not_answered" and shown.public
    Proposal.objects.filter(pk=proposal.pk).update(is_hidden=True)
    proposal.refresh_from_db()
    assert not kind.present(proposal).public
    assert proposal not in kind.visible()


def test_comment_policy(proposal, citizen):
    policy = registry.get_kind("proposal").comment_policy
    assert policy(citizen, proposal) is None
    assert policy(None, proposal) == "Log in to comment."
    set_active_phase(proposal.process, PhaseKind.EVALUATION)
    assert "comments are closed" in policy(citizen, proposal)
    set_active_phase(proposal.process, PhaseKind.IMPLEMENTATION)
    assert policy(citizen, proposal) is None
    services.proposal_withdraw(actor=proposal.author, proposal=proposal)
    proposal.refresh_from_db()
    assert "withdrawn" in policy(citizen, proposal)


def test_comment_policy_blocked(proposal, citizen):
    citizen.blocked_at = timezone.now()
    citizen.save()
    assert "blocked" in registry.get_kind("proposal").comment_policy(citizen, proposal)


def test_comment_count_event_is_stored(proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("comment.count_changed", kind="proposal", object_id=proposal.pk, count=4)
        events.emit("comment.count_changed", kind="debate", object_id=proposal.pk, count=9)
    proposal.refresh_from_db()
    assert proposal.comment_count == 4


def test_export(proposal, citizen):
    services.support_add(actor=citizen, proposal=proposal)
    CoauthorshipFactory(proposal=proposal, user=citizen)
    section = next(s for s in personal_data.sections() if s.name == "proposals")
    data = section.export(citizen)
    assert data["supported_proposals"][0]["proposal"] == proposal.pk
    assert data["coauthored_proposals"][0]["accepted_at"] is None
    row = registry.get_kind("proposal").export_row(proposal)
    assert row["title"] == proposal.title and row["url"].endswith(f"/{proposal.pk}/")


def test_erasure_removes_supports_and_keeps_proposals(process, citizen, other_citizen):
    mine = ProposalFactory(process=process, author=citizen)
    theirs = ProposalFactory(process=process, author=other_citizen)
    for target in (mine, theirs):
        services.support_add(actor=citizen, proposal=target)
        services.support_add(actor=other_citizen, proposal=target)
    CoauthorshipFactory(proposal=theirs, user=citizen)  # pending: goes
    accepted = ProposalFactory(process=process, author=other_citizen)
    CoauthorshipFactory(proposal=accepted, user=citizen, accepted_at=timezone.now())

    account_services.user_erase(actor=citizen, user=citizen)

    assert not Support.objects.filter(user=citizen).exists()
    for target in (mine, theirs):
        target.refresh_from_db()
        assert target.support_count == 1 == target.supports.count()
    mine.refresh_from_db()
    assert mine.author.public_name == "former participant"
    assert list(Coauthorship.objects.values_list("proposal_id", flat=True)) == [accepted.pk]


def test_supports_erase_without_supports(citizen):
    assert services.supports_erase(UserFactory()) == 0
