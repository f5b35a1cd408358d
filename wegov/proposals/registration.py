"""Proposals in the contribution registry and the personal-data registry."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegov.accounts.rules import participant_refusal
from wegov.core import personal_data, registry
from wegov.processes.models import Action, Process, Topic

from . import services
from .models import Coauthorship, Proposal, Support


def present(proposal: Proposal) -> registry.Presentation:
    process = proposal.process
    return registry.Presentation(
        kind=services.KIND,
        id=proposal.pk,
        title=proposal.title,
        url=reverse("proposals:detail", args=[process.slug, proposal.pk]),
        status=proposal.state if proposal.is_withdrawn else proposal.answer_state,
        summary=proposal.body[:200],
        lat=proposal.lat,
        lon=proposal.lon,
        category=proposal.topic.slug if proposal.topic_id else "",
        district=proposal.district.slug if proposal.district_id else "",
        public=not proposal.is_hidden and process.is_published,
        process_id=proposal.process_id,
        author_id=proposal.author_id,
    )


def comment_policy(user, proposal: Proposal) -> str | None:
    """None when the user may comment on the proposal now, else why not."""
    if proposal.is_hidden:
        return _("This proposal is hidden by moderation.")
    if proposal.is_withdrawn:
        return _("This proposal was withdrawn: it takes no more comments.")
    process = proposal.process
    if not process.allows(Action.COMMENT):
        phase = process.active_phase
        if phase is not None:
            return _("The process is in its “%(phase)s” phase: comments are closed.") % {
                "phase": phase.display_title
            }
        return _("Comments are closed in this process.")
    reason = participant_refusal(user)
    if reason and not (user and user.is_authenticated):
        return _("Log in to comment.")
    return reason


def _map_public(queryset):
    # Withdrawn proposals keep their page but leave the map.
    return queryset.visible().filter(
        state=Proposal.State.PUBLISHED, lat__isnull=False, lon__isnull=False
    )


def _map_categories():
    return list(Topic.objects.order_by("name").values_list("slug", "name"))


MAP = registry.MapSpec(
    public=_map_public,
    statuses=lambda: list(Proposal.AnswerState.choices),
    categories=_map_categories,
    # Publishing or unpublishing a process puts its proposals on the map or takes them off.
    depends_on=((Process, lambda process: Proposal.objects.filter(process=process)),),
)


KIND = registry.register(
    registry.ContributionKind(
        kind=services.KIND,
        label=gettext_lazy("Proposal"),
        model=Proposal,
        author_field="author",
        present=present,
        export_fields=(
            "title",
            "body",
            "address",
            "lat",
            "lon",
            "state",
            "answer_state",
            "created_at",
            "withdrawn_at",
        ),
        comment_policy=comment_policy,
        comment_stances=True,
        map=MAP,
    )
)


def _export(user) -> dict:
    supports = Support.objects.filter(user=user).select_related("proposal").order_by("created_at")
    coauthorships = (
        Coauthorship.objects.filter(user=user).select_related("proposal").order_by("created_at")
    )
    return {
        "supported_proposals": [
            {
                "proposal": s.proposal_id,
                "title": s.proposal.title,
                "supported_at": s.created_at.isoformat(),
            }
            for s in supports
        ],
        "coauthored_proposals": [
            {
                "proposal": c.proposal_id,
                "title": c.proposal.title,
                "invited_at": c.created_at.isoformat(),
                "accepted_at": c.accepted_at.isoformat() if c.accepted_at else None,
            }
            for c in coauthorships
        ],
    }


def _erase(user) -> None:
    # Supports go (each count drops by one); proposals and accepted
    # co-authorships stay, shown as "former participant"; open invitations go.
    services.supports_erase(user)
    Coauthorship.objects.filter(user=user, accepted_at__isnull=True).delete()


personal_data.register_section(
    personal_data.PersonalDataSection("proposals", _export, _erase, order=60)
)
