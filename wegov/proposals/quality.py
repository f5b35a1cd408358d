"""Quality score of proposals (wegov.core.quality with the proposals' own
duplicate rule: a very similar title earlier in the same process)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from wegov.core import quality

from .models import Proposal

SIMILAR_TITLES = 0.6  # token Jaccard
CANDIDATES = 200
BATCH = 500
TOKEN = re.compile(r"\w+", re.UNICODE)


STOP = frozenset().union(*quality.STOPWORDS.values())


def tokens(title: str) -> set[str]:
    """Lower-case words of two letters or more, accents and the languages'
    commonest words (core.quality.STOPWORDS) removed."""
    plain = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return {t for t in TOKEN.findall(plain) if len(t) >= 2 and t not in STOP}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def find_duplicate(proposal: Proposal) -> quality.Duplicate | None:
    """The most similar earlier proposal of the same process (Jaccard >= 0.6).

    Bounded: two titles that similar share at least one of any
    ceil(0.4 x n) + 1 of this title's n words, so the query asks only for
    titles containing one of its longest such words (case-insensitive),
    newest first, at most 200."""
    words = tokens(proposal.title)
    if not words:
        return None
    needed = min(len(words), math.ceil(0.4 * len(words)) + 1)
    longest = sorted(words, key=lambda w: (-len(w), w))[:needed]
    contains = Q()
    for word in longest:
        contains |= Q(title__icontains=word)
    created = proposal.created_at
    candidates = (
        Proposal.objects.filter(process_id=proposal.process_id)
        .filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=proposal.pk))
        .filter(contains)
        .exclude(pk=proposal.pk)
        .order_by("-created_at", "-id")
        .values_list("pk", "title", "created_at")[:CANDIDATES]
    )
    best = None
    for pk, title, at in candidates:
        similarity = jaccard(words, tokens(title))
        if similarity >= SIMILAR_TITLES and (best is None or similarity > best[1]):
            best = (pk, similarity, at)
    if best is None:
        return None
    pk, similarity, at = best
    days = (created - at).days
    params = {"id": pk, "percent": round(similarity * 100), "count": days}
    if days == 0:
        return quality.Duplicate(
            gettext_noop(
                "Possible duplicate of proposal #%(id)s in this process, "
                "title %(percent)s%% alike, earlier the same day"
            ),
            "",
            params,
        )
    return quality.Duplicate(
        gettext_noop(
            "Possible duplicate of proposal #%(id)s in this process, "
            "title %(percent)s%% alike, %(count)s day earlier"
        ),
        gettext_noop(
            "Possible duplicate of proposal #%(id)s in this process, "
            "title %(percent)s%% alike, %(count)s days earlier"
        ),
        params,
    )


def assess(
    proposal: Proposal, *, inside_city: Callable[[float, float], bool] | None = None
) -> quality.Result:
    located = proposal.lat is not None and proposal.lon is not None
    return quality.assess(
        quality.Submission(
            title=proposal.title,
            text=proposal.body,
            lat=proposal.lat,
            lon=proposal.lon,
            location_required=False,
            district_name=(proposal.district.name if proposal.district_id else "")
            if located
            else None,
            inside_city=inside_city(proposal.lat, proposal.lon)
            if located and inside_city
            else None,
            duplicate=find_duplicate(proposal),
        )
    )


def score(proposal: Proposal) -> Proposal:
    """Score one proposal and store it (called by the services)."""
    result = assess(proposal)
    proposal.quality_score = result.score
    proposal.quality_parts = result.parts_json()
    Proposal.objects.filter(pk=proposal.pk).update(
        quality_score=proposal.quality_score, quality_parts=proposal.quality_parts
    )
    return proposal


def rescore(queryset: models.QuerySet | None = None) -> int:
    """(Re)score proposals in batches of 500 (one bulk update per batch)."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    inside = quality.city_test()
    done, last = 0, 0
    while True:
        batch = list(queryset.filter(pk__gt=last).select_related("district").order_by("pk")[:BATCH])
        if not batch:
            return done
        for proposal in batch:
            result = assess(proposal, inside_city=inside)
            proposal.quality_score = result.score
            proposal.quality_parts = result.parts_json()
        with transaction.atomic():
            Proposal.objects.bulk_update(batch, ["quality_score", "quality_parts"])
        done += len(batch)
        last = batch[-1].pk


quality.register_scored_kind("proposal", Proposal, rescore)
