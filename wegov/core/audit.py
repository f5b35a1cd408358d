"""The audit log: one call records a staff, moderator, vote or privacy action."""

from typing import Any

from django.db import models

from .models import AuditEntry


def audit(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str = "",
) -> AuditEntry:
    target_type = target_id = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        label = label or str(target)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=label[:200],
        before=before,
        after=after,
    )
