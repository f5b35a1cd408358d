"""Debates in the contribution registry and the personal-data registry, and the
events the app listens to."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core import personal_data, registry
from wegov.core.events import subscribe
from wegov.processes.models import Action

from . import services
from .models import Debate


def present(debate: Debate) -> registry.Presentation:
    return registry.Presentation(
        kind="debate",
        id=debate.pk,
        title=debate.title,
        url=reverse("debates:detail", args=[debate.process.slug, debate.pk]),
        status=debate.state,
        summary=debate.description[:200],
        category=debate.topic.slug if debate.topic_id else "",
        district=debate.district.slug if debate.district_id else "",
        public=not debate.is_hidden and debate.process.is_published,
        process_id=debate.process_id,
        author_id=debate.author_id,
    )


def comment_policy(user, debate: Debate) -> str | None:
    """Arguments (comments with a stance) are taken while the debate is open
    and the process's active phase takes comments or debates.

    Whether the user is logged in or blocked is the comments app's concern.
    """
    if debate.is_hidden:
        return str(_("This debate is hidden by moderation."))
    if debate.is_closed:
        return str(_("This debate is closed."))
    process = debate.process
    if not (process.allows(Action.COMMENT) or process.allows(Action.DEBATE)):
        return str(_("This process does not take arguments in its current phase."))
    return None


registry.register(
    registry.ContributionKind(
        kind="debate",
        label=_("Debate"),
        model=Debate,
        author_field="author",
        present=present,
        export_fields=("title", "description", "state", "conclusion", "created_at", "closed_at"),
        comment_policy=comment_policy,
        comment_stances=True,
    )
)


# The debates a person opened are exported through the registry above
# ("contributions"); this section adds the debates they closed. On erasure the
# debates stay (others argued in them) and show the author as "former
# participant" (``User.public_name``): nothing to remove here.
def _export(user):
    return {
        "closed_debates": [
            {"id": pk, "title": title, "closed_at": closed_at.isoformat() if closed_at else None}
            for pk, title, closed_at in Debate.objects.filter(closed_by=user).values_list(
                "pk", "title", "closed_at"
            )
        ]
    }


personal_data.register_section(
    personal_data.PersonalDataSection("debates", _export, lambda user: None, order=60)
)


@subscribe("comment.count_changed")
def _store_comment_count(*, kind: str, object_id: int, count: int, **_ignored) -> None:
    if kind == "debate":
        services.comment_count_set(debate_id=object_id, count=count)
