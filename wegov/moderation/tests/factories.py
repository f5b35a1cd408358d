"""Helpers for moderation tests: contributions to flag are problem reports."""

from wegov.accounts.tests.factories import UserFactory
from wegov.moderation import services
from wegov.reports.tests.factories import ReportFactory


def report_by(author, **kwargs):
    return ReportFactory(reporter=author, is_anonymous=False, **kwargs)


def flag_by_many(report, count: int, reason: str = "spam"):
    """``count`` different new people flag the report; returns their flags."""
    return [
        services.flag(user=UserFactory(), kind="report", object_id=report.pk, reason=reason)
        for _ in range(count)
    ]


def moderation_mails(outbox, template: str = ""):
    """The emails this app sent (``social`` may send its own notification too)."""
    return [
        m
        for m in outbox
        if m.extra_headers.get("X-WeGov-Message", "").startswith(f"moderation.{template}")
    ]
