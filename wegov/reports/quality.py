"""Quality score of problem reports (wegov.core.quality with the reports'
own duplicate rule: same category, within 50 m, filed in the 14 days before)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_noop

from wegov.core import quality

from .models import Report, ReportPhoto
from .selectors import bbox_around, metres_between

DUPLICATE_METRES = 50
DUPLICATE_DAYS = 14
BATCH = 500


def find_duplicate(report: Report) -> quality.Duplicate | None:
    """The nearest earlier report of the same category within 50 m and 14 days.

    One query on the (lat, lon) index, narrowed by a bounding box."""
    min_lat, min_lon, max_lat, max_lon = bbox_around(report.lat, report.lon, DUPLICATE_METRES)
    created = report.created_at
    candidates = (
        Report.objects.filter(
            category_id=report.category_id,
            lat__range=(min_lat, max_lat),
            lon__range=(min_lon, max_lon),
            created_at__gte=created - dt.timedelta(days=DUPLICATE_DAYS),
        )
        .filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=report.pk))
        .exclude(pk=report.pk)
        .values_list("pk", "lat", "lon", "created_at")[:50]
    )
    best = None
    for pk, lat, lon, at in candidates:
        metres = metres_between(report.lat, report.lon, lat, lon)
        if metres <= DUPLICATE_METRES and (best is None or metres < best[1]):
            best = (pk, metres, at)
    if best is None:
        return None
    pk, metres, at = best
    days = (created - at).days
    params = {"id": pk, "metres": round(metres), "count": days}
    if days == 0:
        return quality.Duplicate(
            gettext_noop(
                "Possible duplicate of report #%(id)s, %(metres)s m away, same category, "
                "earlier the same day"
            ),
            "",
            params,
        )
    return quality.Duplicate(
        gettext_noop(
            "Possible duplicate of report #%(id)s, %(metres)s m away, same category, "
            "%(count)s day earlier"
        ),
        gettext_noop(
            "Possible duplicate of report #%(id)s, %(metres)s m away, same category, "
            "%(count)s days earlier"
        ),
        params,
    )


def assess(
    report: Report,
    *,
    has_photo: bool,
    inside_city: Callable[[float, float], bool] | None = None,
) -> quality.Result:
    """Score a saved report. Its district was found when it was filed."""
    return quality.assess(
        quality.Submission(
            title=report.title,
            text=report.description,
            lat=report.lat,
            lon=report.lon,
            district_name=report.district.name if report.district_id else "",
            inside_city=inside_city(report.lat, report.lon) if inside_city else None,
            has_photo=has_photo,
            duplicate=find_duplicate(report),
        )
    )


def score(report: Report, *, has_photo: bool) -> Report:
    """Score one report and store it (called by the services)."""
    result = assess(report, has_photo=has_photo)
    report.quality_score = result.score
    report.quality_parts = result.parts_json()
    Report.objects.filter(pk=report.pk).update(
        quality_score=report.quality_score, quality_parts=report.quality_parts
    )
    return report


def rescore(queryset: models.QuerySet | None = None) -> int:
    """(Re)score reports in batches of 500 (one bulk update per batch)."""
    queryset = Report.objects.all() if queryset is None else queryset
    photos = ReportPhoto.objects.filter(report=OuterRef("pk"))
    inside = quality.city_test()
    done, last = 0, 0
    while True:
        batch = list(
            queryset.filter(pk__gt=last)
            .select_related("district")
            .annotate(has_photo=Exists(photos))
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return done
        for report in batch:
            result = assess(report, has_photo=report.has_photo, inside_city=inside)
            report.quality_score = result.score
            report.quality_parts = result.parts_json()
        with transaction.atomic():
            Report.objects.bulk_update(batch, ["quality_score", "quality_parts"])
        done += len(batch)
        last = batch[-1].pk


quality.register_scored_kind("report", Report, rescore)
