"""Results from other apps' events: a budget's funded projects are tracked as
soon as its results are published, so nobody has to add them one by one."""

from __future__ import annotations

import logging

from wegov.accounts.models import User
from wegov.core import events, registry

from . import services

logger = logging.getLogger(__name__)


@events.subscribe("budget.results_published")
def track_funded_projects(*, budget_id, funded_project_ids, actor_id=None, **_payload) -> None:
    kind = registry.get_kind("budget_project")
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    for project in kind.model.objects.filter(pk__in=funded_project_ids).order_by("pk"):
        # Publishing the results was the permitted act; tracking follows from it.
        services.result_track(
            actor=actor, source=project, budget_amount=project.cost, authorised=True
        )
