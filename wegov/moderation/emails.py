"""Emails to a person about their block, in their preferred language.

Sent directly (not only through ``social``'s notifications) so the notice and
the way to appeal arrive whatever the person's notification settings are.
Called after the moderator's transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Block, BlockAppeal


def _send(user, template: str, context: dict) -> bool:
    if not user.is_active or user.erased_at or not user.email:
        return False
    language = user.preferred_language or settings.LANGUAGE_CODE
    context = {
        "user": user,
        "CITY_NAME": settings.WEGOV_CITY_NAME,
        "CONTACT_EMAIL": settings.WEGOV_CONTACT_EMAIL,
        "appeal_url": settings.WEGOV_BASE_URL + reverse("moderation:appeal"),
        **context,
    }
    with translation.override(language):
        subject = render_to_string(f"moderation/email/{template}_subject.txt", context)
        body = render_to_string(f"moderation/email/{template}_message.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        # Lets mail rules (and tests) tell these from the social notifications.
        headers={"Content-Language": language, "X-WeGov-Message": f"moderation.{template}"},
    )
    message.send()
    return True


def send_block_notice(block_id: int) -> bool:
    block = Block.objects.select_related("user").filter(pk=block_id).first()
    if block is None or not block.is_active:
        return False
    return _send(block.user, "user_blocked", {"block": block})


def send_unblock_notice(user_id: int) -> bool:
    from wegov.accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None or user.blocked_at is not None:
        return False
    return _send(user, "user_unblocked", {})


def send_appeal_decision(appeal_id: int) -> bool:
    appeal = BlockAppeal.objects.select_related("user").filter(pk=appeal_id).first()
    if appeal is None or appeal.decided_at is None:
        return False
    return _send(appeal.user, "appeal_decided", {"appeal": appeal})
