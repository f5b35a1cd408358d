"""The open-data dataset of conversation statements (registered from ``apps.ready``).

One row per statement people see (accepted and not hidden) in a published
conversation, with its agree, disagree and pass votes. No personal data:
authors are not named (only whether the organisers seeded it), and single
votes are not here (each conversation's anonymous votes are in its Pol.is
open-data export).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.opendata.registry import (
    BOOLEAN,
    DATETIME,
    INTEGER,
    STRING,
    TEXT,
    Dataset,
    Field,
    register,
)

from .models import Conversation, Statement, Vote

CHUNK = 2000

FIELDS = (
    Field("conversation", STRING, _("The conversation's short name, as in its address.")),
    Field("conversation_topic", TEXT, _("The conversation's topic.")),
    Field("number", INTEGER, _("Statement number in its conversation (the Pol.is comment-id).")),
    Field("text", TEXT, _("The statement.")),
    Field("is_seed", BOOLEAN, _("Written by the organisers (true) or by a participant (false).")),
    Field("agree", INTEGER, _("Votes agreeing with it.")),
    Field("disagree", INTEGER, _("Votes disagreeing with it.")),
    Field("pass", INTEGER, _("Votes passing on it (unsure).")),
    Field("created_at", DATETIME, _("When it was written or imported.")),
    Field("results_url", STRING, _("The conversation's results page.")),
)


def statement_rows():
    path = reverse("opinions:results", args=["SLUG"])
    url = settings.WEGOV_BASE_URL.rstrip("/") + path.replace("SLUG", "{slug}")
    rows = (
        Statement.objects.shown()
        .filter(conversation__in=Conversation.objects.visible())
        .order_by("conversation_id", "number")
        .annotate(
            agree=Count("votes", filter=Q(votes__value=Vote.Value.AGREE)),
            disagree=Count("votes", filter=Q(votes__value=Vote.Value.DISAGREE)),
            passed=Count("votes", filter=Q(votes__value=Vote.Value.PASS)),
        )
        .values_list(
            "conversation__slug",
            "conversation__topic",
            "number",
            "text",
            "is_seed",
            "agree",
            "disagree",
            "passed",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        yield (*row, url.format(slug=row[0]))


DATASET = Dataset(
    slug="conversation-statements",
    title=_("Conversation statements and their votes"),
    description=_(
        "Every statement shown in the published conversations (Pol.is-style opinion "
        "gathering), with how many votes agreed, disagreed or passed. Authors are not named; "
        "each conversation's anonymous votes are in its Pol.is open-data export."
    ),
    fields=FIELDS,
    rows=statement_rows,
    keywords=("conversations", "statements", "opinion groups", "Pol.is"),
    themes=("GOVE", "SOCI"),
    temporal_field="created_at",
    order=55,
)


def register_dataset() -> None:
    register(DATASET)
