"""Reads shared by the pages, the Open311 API and the map."""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import OPEN_STATUSES, Category, Report, ReportUpdate, Status

EARTH_RADIUS_M = 6_371_000
WORD = re.compile(r"\w{3,}", re.UNICODE)


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bbox_around(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    dlat = metres / 111_320
    dlon = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def public_reports() -> QuerySet[Report]:
    return Report.objects.filter(is_hidden=False).select_related("category", "district")


@dataclass
class ReportFilters:
    category: str = ""  # service_code
    status: str = ""  # a Status value, or "open" / "closed"
    district: str = ""  # slug
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    near: tuple[float, float] | None = None  # (lat, lon): within 1 km, nearest first


def filter_reports(qs: QuerySet[Report], f: ReportFilters) -> QuerySet[Report]:
    if f.category:
        qs = qs.filter(category__service_code=f.category)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status == "closed":
        qs = qs.exclude(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.district:
        qs = qs.filter(district__slug=f.district)
    if f.start:
        qs = qs.filter(created_at__gte=f.start)
    if f.end:
        qs = qs.filter(created_at__lte=f.end)
    if f.near:
        min_lat, min_lon, max_lat, max_lon = bbox_around(*f.near, 1000)
        qs = qs.filter(lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon))
    return qs


def report_detail(pk: int, *, include_internal: bool) -> Report | None:
    updates = ReportUpdate.objects.select_related("author", "department")
    if not include_internal:
        updates = updates.filter(kind=ReportUpdate.Kind.PUBLIC)
    return (
        Report.objects.select_related(
            "category", "district", "department", "reporter", "duplicate_of"
        )
        .prefetch_related(
            Prefetch("updates", queryset=updates), "photos", "attribute_values__attribute"
        )
        .filter(pk=pk)
        .first()
    )


def likely_duplicates(
    *, category: Category | None, lat: float, lon: float, text: str = "", limit: int = 5
) -> list[tuple[Report, int]]:
    """Open reports a new one may duplicate: same category within 50 m, or
    textually similar within 300 m. Returns (report, distance in metres)."""
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, 300)
    candidates = public_reports().filter(
        status__in=OPEN_STATUSES,
        lat__range=(min_lat, max_lat),
        lon__range=(min_lon, max_lon),
    )[:200]
    words = set(WORD.findall(text.lower()))
    scored = []
    for report in candidates:
        distance = metres_between(lat, lon, report.lat, report.lon)
        same_category = category is not None and report.category_id == category.pk
        other = set(WORD.findall(f"{report.title} {report.description}".lower()))
        similarity = len(words & other) / len(words | other) if words and other else 0.0
        if (same_category and distance <= 50) or similarity >= 0.25:
            scored.append((not same_category, -similarity, distance, report))
    scored.sort(key=lambda item: item[:3])
    return [(report, round(distance)) for _s, _sim, distance, report in scored[:limit]]


QUEUE_ORDERINGS = {
    "oldest": ("created_at",),
    "newest": ("-created_at",),
    "due": ("due_at",),
    "confirmations": ("-confirmations_count", "created_at"),
}


def staff_queue(*, departments, status: str = "open", ordering: str = "due") -> QuerySet[Report]:
    qs = Report.objects.filter(department__in=departments).select_related(
        "category", "district", "department"
    )
    qs = filter_reports(qs, ReportFilters(status=status))
    return qs.order_by(*QUEUE_ORDERINGS.get(ordering, QUEUE_ORDERINGS["due"]))


@dataclass
class PerformanceRow:
    department: str
    category: str
    reports: int
    open: int
    median_hours_to_acknowledge: float | None
    median_hours_to_resolve: float | None
    share_within_sla: float | None  # of closed reports, resolved before due


def _median_hours(deltas: list[dt.timedelta]) -> float | None:
    if not deltas:
        return None
    return round(statistics.median(d.total_seconds() for d in deltas) / 3600, 1)


def performance(*, days: int, now: dt.datetime | None = None) -> list[PerformanceRow]:
    """Accountability figures per department and category for reports made in
    the last ``days`` days (e-Citizen Charter principle 9)."""
    now = now or timezone.now()
    rows = (
        Report.objects.filter(created_at__gte=now - dt.timedelta(days=days), is_hidden=False)
        .exclude(status=Status.DUPLICATE)
        .values_list(
            "department__name",
            "category__name",
            "status",
            "created_at",
            "acknowledged_at",
            "resolved_at",
            "due_at",
        )
        .order_by("department__name", "category__name")
    )
    groups: dict[tuple[str, str], list] = {}
    for row in rows.iterator(chunk_size=5000):
        groups.setdefault((row[0], row[1]), []).append(row)
    result = []
    for (department, category), items in groups.items():
        acknowledged = [a - c for _d, _c, _s, c, a, _r, _due in items if a]
        resolved = [r - c for _d, _c, s, c, _a, r, _due in items if r and s == Status.RESOLVED]
        closed = [(r, due) for _d, _c, s, _c2, _a, r, due in items if r]
        within = sum(1 for r, due in closed if r <= due)
        result.append(
            PerformanceRow(
                department=department,
                category=category,
                reports=len(items),
                open=sum(1 for item in items if item[2] in OPEN_STATUSES),
                median_hours_to_acknowledge=_median_hours(acknowledged),
                median_hours_to_resolve=_median_hours(resolved),
                share_within_sla=round(within / len(closed), 3) if closed else None,
            )
        )
    return result


def open_reports_q() -> Q:
    return Q(status__in=OPEN_STATUSES)
