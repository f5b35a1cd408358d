"""Reads shared by the pages, the Open311 API and the map."""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
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


def report_detail(pk: int) -> Report | None:
    """A report with everything its pages show; ``report.history`` holds every
    update, internal notes included: pages narrow it with ``visible_history``
    once they know who is looking (one load, whoever it is)."""
    updates = ReportUpdate.objects.select_related("author", "department")
    return (
        Report.objects.select_related(
            "category", "district", "department", "reporter", "duplicate_of"
        )
        .prefetch_related(
            Prefetch("updates", queryset=updates, to_attr="history"),
            "photos",
            "attribute_values__attribute",
        )
        .filter(pk=pk)
        .first()
    )


def visible_history(report: Report, *, include_internal: bool) -> None:
    """Drop internal notes from ``report.history`` unless the viewer may see them."""
    if not include_internal:
        report.history = [update for update in report.history if update.is_public]


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
    # Lowest quality first (unscored last): staff check the doubtful ones.
    "quality": (F("quality_score").asc(nulls_last=True), "created_at"),
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
    return [
        row
        for department in performance_by_department(days=days, now=now)
        for row in department.categories
    ]


def open_reports_q() -> Q:
    return Q(status__in=OPEN_STATUSES)


# --- Open311 GeoReport v2 -------------------------------------------------------


def open311_services() -> QuerySet[Category]:
    """Categories that take reports, with ``has_attributes`` (Open311 "metadata")."""
    from django.db.models import Exists, OuterRef

    from .models import ServiceAttribute

    return (
        Category.objects.filter(is_active=True)
        .annotate(has_attributes=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk"))))
        .order_by("order", "name", "pk")
    )


def open311_service(service_code: str) -> Category | None:
    """An active category with its attributes in presentation order."""
    from .models import ServiceAttribute

    return (
        Category.objects.filter(is_active=True, service_code=service_code)
        .prefetch_related(
            Prefetch("attributes", queryset=ServiceAttribute.objects.order_by("order", "code"))
        )
        .first()
    )


def open311_requests(
    *,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: set[str] | None = None,
) -> QuerySet[Report]:
    """Public reports as Open311 service requests, newest first, in one query:
    each carries ``status_note`` (latest public update with text) and
    ``first_photo`` (storage name of its first photo). ``ids`` overrides the
    other filters, as the specification says."""
    from django.db.models import OuterRef, Subquery

    from .models import ReportPhoto

    notes = (
        ReportUpdate.objects.filter(report=OuterRef("pk"), kind=ReportUpdate.Kind.PUBLIC)
        .exclude(text="")
        .order_by("-created_at", "-id")
        .values("text")[:1]
    )
    photos = ReportPhoto.objects.filter(report=OuterRef("pk")).order_by("id").values("image")[:1]
    qs = Report.objects.filter(is_hidden=False)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    else:
        if service_codes:
            qs = qs.filter(category__service_code__in=service_codes)
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
        if statuses == {"open"}:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            qs = qs.exclude(status__in=OPEN_STATUSES)
    return (
        qs.select_related("category", "department")
        .annotate(status_note=Subquery(notes), first_photo=Subquery(photos))
        .order_by("-created_at", "-id")
    )


def open311_request_id_for_token(token) -> int | None:
    return Report.objects.filter(token=token, is_hidden=False).values_list("pk", flat=True).first()


# --- Accountability page ----------------------------------------------------------


@dataclass
class DepartmentPerformance:
    """One department's figures: a total over all its reports (medians of the
    reports themselves, not of the category medians) and one row per category."""

    total: PerformanceRow
    categories: list[PerformanceRow]


def _performance_row(department: str, category: str, items: list) -> PerformanceRow:
    # Same definitions as performance(); items are its value rows.
    acknowledged = [a - c for _d, _c, _s, c, a, _r, _due in items if a]
    resolved = [r - c for _d, _c, s, c, _a, r, _due in items if r and s == Status.RESOLVED]
    closed = [(r, due) for _d, _c, _s, _c2, _a, r, due in items if r]
    within = sum(1 for r, due in closed if r <= due)
    return PerformanceRow(
        department=department,
        category=category,
        reports=len(items),
        open=sum(1 for item in items if item[2] in OPEN_STATUSES),
        median_hours_to_acknowledge=_median_hours(acknowledged),
        median_hours_to_resolve=_median_hours(resolved),
        share_within_sla=round(within / len(closed), 3) if closed else None,
    )


def _performance_rows(*, days: int, now: dt.datetime | None):
    """One query: the timeline of every counted report of the period."""
    now = now or timezone.now()
    return (
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
        .iterator(chunk_size=5000)
    )


def performance_by_department(
    *, days: int, now: dt.datetime | None = None
) -> list[DepartmentPerformance]:
    """performance() grouped per department with a total per department; one query."""
    departments: dict[str, dict[str, list]] = {}
    for row in _performance_rows(days=days, now=now):
        departments.setdefault(row[0], {}).setdefault(row[1], []).append(row)
    return [
        DepartmentPerformance(
            total=_performance_row(
                department, "", [item for items in categories.values() for item in items]
            ),
            categories=[
                _performance_row(department, category, items)
                for category, items in categories.items()
            ],
        )
        for department, categories in departments.items()
    ]


# --- Citizen pages ------------------------------------------------------------------


def nearest_first(qs: QuerySet[Report], lat: float, lon: float) -> QuerySet[Report]:
    """Order by distance from a point (equirectangular: exact enough within a city)."""
    from django.db.models import ExpressionWrapper, F, FloatField, Value

    scale = math.cos(math.radians(lat))
    dlat = F("lat") - Value(lat)
    dlon = (F("lon") - Value(lon)) * Value(scale)
    distance = ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())
    return qs.annotate(_distance=distance).order_by("_distance", "-created_at")


def follower_state(report: Report, user) -> dict:
    """A signed-in person's subscription to the report (or None) and whether
    they have confirmed it."""
    from .models import Confirmation, Subscription

    if user is None or not user.is_authenticated:
        return {"subscription": None, "confirmed": False}
    return {
        "subscription": Subscription.objects.filter(report=report, user=user).first(),
        "confirmed": Confirmation.objects.filter(report=report, user=user).exists(),
    }
