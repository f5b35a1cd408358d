"""Email subscribers when a report's public state changes."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from wegov.core.events import subscribe

from .models import Report, ReportUpdate, Subscription
from .tasks import notify_subscribers


@subscribe("report.status_changed")
def on_status_changed(*, report_id, **payload):
    notify_subscribers.delay(report_id)


@subscribe("report.updated")
def on_public_update(*, report_id, **payload):
    notify_subscribers.delay(report_id)


def send_report_update(report_id: int) -> int:
    """Email every subscriber the report's latest public update. Returns how many."""
    report = Report.objects.select_related("category").filter(pk=report_id).first()
    if report is None or report.is_hidden:
        return 0
    update = (
        ReportUpdate.objects.filter(report=report, kind=ReportUpdate.Kind.PUBLIC)
        .order_by("-created_at", "-id")
        .first()
    )
    sent = 0
    subscriptions = Subscription.objects.filter(report=report).select_related("user")
    for subscription in subscriptions:
        user = subscription.user
        if user is not None and (not user.is_active or user.erased_at):
            continue
        language = user.preferred_language if user else settings.LANGUAGE_CODE
        context = {
            "report": report,
            "update": update,
            "report_url": settings.WEGOV_BASE_URL + reverse("reports:detail", args=[report.pk]),
            "unsubscribe_url": settings.WEGOV_BASE_URL
            + reverse("reports:unsubscribe", args=[subscription.unsubscribe_token]),
            "CITY_NAME": settings.WEGOV_CITY_NAME,
            "CONTACT_EMAIL": settings.WEGOV_CONTACT_EMAIL,
            "current_site": {
                "name": settings.WEGOV_CITY_NAME,
                "domain": urlsplit(settings.WEGOV_BASE_URL).netloc,
            },
        }
        with translation.override(language):
            subject = render_to_string("reports/email/update_subject.txt", context).strip()
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("reports/email/update_message.txt", context),
                to=[subscription.recipient],
                headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
            )
            message.attach_alternative(
                render_to_string("reports/email/update_message.html", context), "text/html"
            )
        message.send()
        sent += 1
    return sent
