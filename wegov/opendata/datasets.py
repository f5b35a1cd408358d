"""The platform's built-in public datasets, registered with the open-data registry.

What is left out everywhere: names, emails, phone numbers, user and device ids
of the people who took part (reporters, authors, co-authors, supporters,
commenters, staff who answered); rows hidden by moderation; proposals and
debates of unpublished processes. Free text goes through ``text.plain_text``.

Anonymous reports keep their place on the map only approximately: their
coordinates are rounded to 3 decimals (about 110 m north-south, 70 m
east-west here) and their address is left out, so that a report made from
someone's doorstep does not point at that door.
"""

from __future__ import annotations

import itertools
import statistics
from array import array

from django.conf import settings
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import registry
from .registry import (
    ARRAY,
    BOOLEAN,
    DATE,
    DATETIME,
    HTML,
    INTEGER,
    NUMBER,
    STRING,
    TEXT,
    Dataset,
    Field,
)

CHUNK = 2000
ANONYMOUS_DECIMALS = 3
PLACEHOLDER = 987654321


def _url_template(name: str, *args) -> str:
    """An absolute URL with ``{}`` where the object's id goes (reverse once, not per row)."""
    path = reverse(name, args=[*args, PLACEHOLDER])
    return settings.WEGOV_BASE_URL.rstrip("/") + path.replace(str(PLACEHOLDER), "{id}")


def _slug_url_template(name: str) -> str:
    path = reverse(name, args=["SLUGPLACEHOLDER", PLACEHOLDER])
    path = path.replace("SLUGPLACEHOLDER", "{slug}").replace(str(PLACEHOLDER), "{id}")
    return settings.WEGOV_BASE_URL.rstrip("/") + path


# --- Reports -----------------------------------------------------------------------

REPORT_FIELDS = (
    Field("id", INTEGER, _("Report number, as in its address /reports/<id>/.")),
    Field("title", TEXT, _("Title given by the reporter.")),
    Field("description", TEXT, _("Description (plain text; contact details removed).")),
    Field("category", STRING, _("Category code (Open311 service_code).")),
    Field("category_name", STRING, _("Category name.")),
    Field("department", STRING, _("Department the report is assigned to.")),
    Field("district", STRING, _("District code (empty: outside every district).")),
    Field("district_name", STRING, _("District name.")),
    Field(
        "status",
        STRING,
        _(
            "Status: submitted, acknowledged, in_progress, resolved, "
            "duplicate, not_responsible or closed."
        ),
    ),
    Field("channel", STRING, _("How it was reported: web, app, api, phone, counter, email.")),
    Field("created_at", DATETIME, _("When it was reported (UTC).")),
    Field("acknowledged_at", DATETIME, _("When the city acknowledged it (UTC).")),
    Field("closed_at", DATETIME, _("When it was closed (UTC).")),
    Field("due_at", DATETIME, _("The date the city committed to (UTC).")),
    Field("confirmations", INTEGER, _("People who confirmed the problem.")),
    Field("duplicate_of", INTEGER, _("The report this one duplicates.")),
    Field("lat", NUMBER, _("Latitude (WGS84); rounded for anonymous reports.")),
    Field("lon", NUMBER, _("Longitude (WGS84); rounded for anonymous reports.")),
    Field(
        "location_precision",
        STRING,
        _("exact, or approximate (about 100 m) for anonymous reports."),
    ),
    Field("address", STRING, _("Address or place description (empty for anonymous reports).")),
    Field("url", STRING, _("The report's page.")),
)


def report_rows():
    from wegov.reports.models import Report

    url = _url_template("reports:detail")
    rows = (
        Report.objects.filter(is_hidden=False)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "description",
            "category__service_code",
            "category__name",
            "department__name",
            "district__slug",
            "district__name",
            "status",
            "channel",
            "created_at",
            "acknowledged_at",
            "resolved_at",
            "due_at",
            "confirmations_count",
            "duplicate_of_id",
            "lat",
            "lon",
            "address",
            "is_anonymous",
        )
        .iterator(chunk_size=CHUNK)
    )
    for *values, lat, lon, address, anonymous in rows:
        if anonymous:
            lat, lon = round(lat, ANONYMOUS_DECIMALS), round(lon, ANONYMOUS_DECIMALS)
            yield (*values, lat, lon, "approximate", "", url.format(id=values[0]))
        else:
            yield (*values, lat, lon, "exact", address, url.format(id=values[0]))


# --- Accountability figures --------------------------------------------------------

STATUSES = (
    "submitted",
    "acknowledged",
    "in_progress",
    "resolved",
    "duplicate",
    "not_responsible",
    "closed",
)
OPEN = {"submitted", "acknowledged", "in_progress"}
DAY = 86400.0

ACCOUNTABILITY_FIELDS = (
    Field("dimension", STRING, _("What the row counts by: category, department or district.")),
    Field("code", STRING, _("Category code, department code or district code.")),
    Field("name", STRING, _("Its name.")),
    Field("year", INTEGER, _("Year the reports were made.")),
    Field("reports", INTEGER, _("Reports made (not hidden by moderation).")),
    *(Field(status, INTEGER, _("Reports now in this status.")) for status in STATUSES),
    Field("open", INTEGER, _("Reports still open.")),
    Field("median_days_to_acknowledge", NUMBER, _("Median days from report to acknowledgement.")),
    Field(
        "median_days_to_resolve",
        NUMBER,
        _("Median days from report to resolution (resolved reports)."),
    ),
    Field(
        "closed_within_target",
        NUMBER,
        _("Share of closed reports (duplicates excepted) closed by their target date, 0 to 1."),
    ),
)

DIMENSIONS = (
    ("category", "category__service_code", "category__name"),
    ("department", "department__slug", "department__name"),
    ("district", "district__slug", "district__name"),
)


def _median_days(values: array) -> float | None:
    return round(statistics.median(values) / DAY, 2) if values else None


def accountability_rows():
    """Per category, department and district and per year: reports by status
    and medians. One streamed query per dimension, ordered by group, so only
    one group's durations are in memory at a time."""
    from wegov.reports.models import Report

    for dimension, code_field, name_field in DIMENSIONS:
        rows = (
            Report.objects.filter(is_hidden=False)
            .annotate(year=ExtractYear("created_at"))
            .order_by(code_field, "year")
            .values_list(
                code_field,
                name_field,
                "year",
                "status",
                "created_at",
                "acknowledged_at",
                "resolved_at",
                "due_at",
            )
            .iterator(chunk_size=CHUNK)
        )
        for (code, name, year), group in itertools.groupby(rows, key=lambda r: r[:3]):
            counts = dict.fromkeys(STATUSES, 0)
            acknowledge, resolve = array("d"), array("d")
            closed = within = 0
            for _c, _n, _y, status, created, acked, resolved, due in group:
                counts[status] = counts.get(status, 0) + 1
                if acked is not None:
                    acknowledge.append((acked - created).total_seconds())
                if resolved is not None and status != "duplicate":
                    closed += 1
                    within += resolved <= due
                    if status == "resolved":
                        resolve.append((resolved - created).total_seconds())
            yield (
                dimension,
                code or "",
                name or "",
                year,
                sum(counts.values()),
                *(counts[s] for s in STATUSES),
                sum(counts[s] for s in OPEN),
                _median_days(acknowledge),
                _median_days(resolve),
                round(within / closed, 3) if closed else None,
            )


# --- Processes -----------------------------------------------------------------------

PROCESS_FIELDS = (
    Field("id", INTEGER, _("Process number.")),
    Field("slug", STRING, _("Short name, as in its address.")),
    Field("title", TEXT, _("Title.")),
    Field("summary", TEXT, _("Summary.")),
    Field("description", HTML, _("Description (plain text).")),
    Field("scope", STRING, _("city or district.")),
    Field("district", STRING, _("District code for a district's process.")),
    Field("topic", STRING, _("Topic code.")),
    Field("organisation", STRING, _("Responsible organisation.")),
    Field("status", STRING, _("upcoming, active or past.")),
    Field("starts_on", DATE, _("First day of the first phase.")),
    Field("ends_on", DATE, _("Last day of the last phase.")),
    Field("current_phase", STRING, _("Kind of the phase active when the file was made.")),
    Field("support_threshold", INTEGER, _("Supports a proposal needs to qualify.")),
    Field("proposals", INTEGER, _("Public proposals.")),
    Field("debates", INTEGER, _("Public debates.")),
    Field("phases", ARRAY, _("The phases: position, kind, title, starts_on, ends_on.")),
    Field("url", STRING, _("The process's page.")),
)


def _count_per_process(model) -> Coalesce:
    counted = (
        model.objects.filter(process=OuterRef("pk"), is_hidden=False)
        .order_by()
        .values("process")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def process_rows():
    from django.db.models import Prefetch

    from wegov.debates.models import Debate
    from wegov.processes.models import Phase, Process
    from wegov.proposals.models import Proposal

    base = settings.WEGOV_BASE_URL.rstrip("/")
    processes = (
        Process.objects.published()
        .select_related("district", "topic", "organisation")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("position", "pk")))
        .annotate(n_proposals=_count_per_process(Proposal), n_debates=_count_per_process(Debate))
        .order_by("pk")
        .iterator(chunk_size=500)
    )
    for p in processes:
        phase = p.active_phase
        phases = [
            {
                "position": ph.position,
                "kind": ph.kind,
                "title": ph.display_title,
                "starts_on": ph.starts_on.isoformat(),
                "ends_on": ph.ends_on.isoformat(),
            }
            for ph in p.phases.all()
        ]
        yield (
            p.pk,
            p.slug,
            p.title,
            p.summary,
            p.description,
            p.scope,
            p.district.slug if p.district_id else "",
            p.topic.slug if p.topic_id else "",
            p.organisation.name,
            p.status(),
            p.starts_on,
            p.ends_on,
            phase.kind if phase else "",
            p.support_threshold,
            p.n_proposals,
            p.n_debates,
            phases,
            base + p.get_absolute_url(),
        )


def process_geometry():
    """A district's process: the district's polygon; a city-wide one: the city's."""
    from wegov.places.models import Area

    areas = {a.slug: a for a in Area.objects.all()}
    city = next((a.geometry for a in areas.values() if a.kind == Area.Kind.CITY), None)
    district_i = [f.name for f in PROCESS_FIELDS].index("district")

    def geometry(row):
        slug = row[district_i]
        if slug:
            area = areas.get(slug)
            return area.geometry if area else None
        return city

    return geometry


# --- Proposals -----------------------------------------------------------------------

PROPOSAL_FIELDS = (
    Field("id", INTEGER, _("Proposal number.")),
    Field("process", STRING, _("The process's short name.")),
    Field("title", TEXT, _("Title.")),
    Field("body", TEXT, _("The proposal (plain text; contact details removed).")),
    Field("topic", STRING, _("Topic code.")),
    Field("district", STRING, _("District code.")),
    Field("state", STRING, _("published or withdrawn.")),
    Field("answer", STRING, _("not_answered, evaluating, accepted or rejected.")),
    Field("answer_text", TEXT, _("The administration's answer.")),
    Field("answered_at", DATETIME, _("When it was answered (UTC).")),
    Field("supports", INTEGER, _("Supports.")),
    Field("comments", INTEGER, _("Public comments.")),
    Field("qualified_at", DATETIME, _("When it reached the process's support threshold.")),
    Field("created_at", DATETIME, _("When it was published (UTC).")),
    Field("withdrawn_at", DATETIME, _("When its authors withdrew it (UTC).")),
    Field("lat", NUMBER, _("Latitude (WGS84), when it has a place.")),
    Field("lon", NUMBER, _("Longitude (WGS84), when it has a place.")),
    Field("address", STRING, _("Address or place description.")),
    Field("url", STRING, _("The proposal's page.")),
)


def proposal_rows():
    from wegov.proposals.models import Proposal

    url = _slug_url_template("proposals:detail")
    rows = (
        Proposal.objects.visible()
        .order_by("pk")
        .values_list(
            "pk",
            "process__slug",
            "title",
            "body",
            "topic__slug",
            "district__slug",
            "state",
            "answer_state",
            "answer_text",
            "answered_at",
            "support_count",
            "comment_count",
            "qualified_at",
            "created_at",
            "withdrawn_at",
            "lat",
            "lon",
            "address",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        yield (*row, url.format(slug=row[1], id=row[0]))


# --- Debates -------------------------------------------------------------------------

DEBATE_FIELDS = (
    Field("id", INTEGER, _("Debate number.")),
    Field("process", STRING, _("The process's short name.")),
    Field("title", TEXT, _("Title.")),
    Field("description", TEXT, _("The question (plain text).")),
    Field("topic", STRING, _("Topic code.")),
    Field("district", STRING, _("District code.")),
    Field("state", STRING, _("open or closed.")),
    Field("conclusion", TEXT, _("The published conclusion of a closed debate.")),
    Field("closed_at", DATETIME, _("When it was closed (UTC).")),
    Field("arguments", INTEGER, _("Public arguments (comments).")),
    Field("official", BOOLEAN, _("Opened by the administration rather than a citizen.")),
    Field("opened_by_organisation", STRING, _("The organisation that opened it, if official.")),
    Field("created_at", DATETIME, _("When it was opened (UTC).")),
    Field("url", STRING, _("The debate's page.")),
)


def debate_rows():
    from wegov.debates.models import Debate

    url = _slug_url_template("debates:detail")
    rows = (
        Debate.objects.visible()
        .order_by("pk")
        .values_list(
            "pk",
            "process__slug",
            "title",
            "description",
            "topic__slug",
            "district__slug",
            "state",
            "conclusion",
            "closed_at",
            "comment_count",
            "opened_by_organisation__name",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for *head, organisation, created in rows:
        yield (
            *head,
            organisation is not None,
            organisation or "",
            created,
            url.format(slug=head[1], id=head[0]),
        )


# --- Comment counts --------------------------------------------------------------------

COMMENT_COUNT_FIELDS = (
    Field("kind", STRING, _("Kind of contribution: proposal, debate, ...")),
    Field("id", INTEGER, _("Its number, as in that kind's dataset.")),
    Field("comments", INTEGER, _("Public comments (not hidden, not deleted).")),
    Field("replies", INTEGER, _("Of which replies to another comment.")),
    Field("for", INTEGER, _("Comments for.")),
    Field("against", INTEGER, _("Comments against.")),
    Field("neutral", INTEGER, _("Neutral comments.")),
    Field("upvotes", INTEGER, _("Up votes on those comments.")),
    Field("downvotes", INTEGER, _("Down votes on those comments.")),
    Field("last_comment_at", DATETIME, _("When the latest public comment was written (UTC).")),
)


def _public_ids(kind):
    manager = kind.model._default_manager
    qs = manager.visible() if hasattr(manager, "visible") else kind.visible()
    return qs.values("pk")


def comment_count_rows():
    """Numbers only, per public contribution that has public comments; one
    grouped query per commentable kind of the contribution registry."""
    from wegov.comments.models import Comment
    from wegov.core import registry as contributions

    for kind in sorted(contributions.kinds(), key=lambda k: k.kind):
        if not kind.commentable:
            continue
        rows = (
            Comment.objects.filter(
                target_kind=kind.kind,
                target_id__in=_public_ids(kind),
                is_hidden=False,
                deleted_at__isnull=True,
            )
            .values("target_id")
            .annotate(
                n=Count("pk"),
                replies=Count("pk", filter=Q(parent__isnull=False)),
                n_for=Count("pk", filter=Q(stance="for")),
                n_against=Count("pk", filter=Q(stance="against")),
                n_neutral=Count("pk", filter=Q(stance="neutral")),
                up=Sum("upvotes"),
                down=Sum("downvotes"),
                last=Max("created_at"),
            )
            .order_by("target_id")
            .values_list(
                "target_id", "n", "replies", "n_for", "n_against", "n_neutral", "up", "down", "last"
            )
            .iterator(chunk_size=CHUNK)
        )
        for row in rows:
            yield (kind.kind, *row)


# --- Registration ---------------------------------------------------------------------


def register_all() -> None:
    registry.register(
        Dataset(
            slug="reports",
            title=_("Problem reports"),
            description=_(
                "Every public problem report (street lights, potholes, litter...) with its "
                "category, department, district, status and timeline. Anonymous reports "
                "have their place rounded to about 100 m and no address."
            ),
            fields=REPORT_FIELDS,
            rows=report_rows,
            keywords=("reports", "public works", "Open311", "service requests"),
            themes=("GOVE", "REGI"),
            point_fields=("lat", "lon"),
            temporal_field="created_at",
            order=10,
        )
    )
    registry.register(
        Dataset(
            slug="report-accountability",
            title=_("How reported problems are handled"),
            description=_(
                "Per category, department and district and per year: reports by status, "
                "still open, median days to acknowledge and to resolve, and the share "
                "closed within the promised time."
            ),
            fields=ACCOUNTABILITY_FIELDS,
            rows=accountability_rows,
            keywords=("accountability", "performance", "service levels", "reports"),
            themes=("GOVE",),
            order=20,
        )
    )
    registry.register(
        Dataset(
            slug="processes",
            title=_("Participatory processes"),
            description=_(
                "Every published participatory process with its phases, dates, organisation "
                "and the number of public proposals and debates."
            ),
            fields=PROCESS_FIELDS,
            rows=process_rows,
            keywords=("participation", "processes", "phases"),
            themes=("GOVE", "SOCI"),
            geometry_factory=process_geometry,
            temporal_field="starts_on",
            order=30,
        )
    )
    registry.register(
        Dataset(
            slug="proposals",
            title=_("Citizens' proposals"),
            description=_(
                "Public proposals of published processes: text, topic, place, supports, "
                "comments and the administration's answer. Authors are not named."
            ),
            fields=PROPOSAL_FIELDS,
            rows=proposal_rows,
            keywords=("proposals", "participation", "ideas"),
            themes=("GOVE", "SOCI"),
            point_fields=("lat", "lon"),
            temporal_field="created_at",
            order=40,
        )
    )
    registry.register(
        Dataset(
            slug="debates",
            title=_("Debates"),
            description=_(
                "Public debates of published processes, their state and conclusion and the "
                "number of arguments. Citizens who opened them are not named."
            ),
            fields=DEBATE_FIELDS,
            rows=debate_rows,
            keywords=("debates", "participation", "deliberation"),
            themes=("GOVE", "SOCI"),
            temporal_field="created_at",
            order=50,
        )
    )
    registry.register(
        Dataset(
            slug="comment-counts",
            title=_("Comment counts per contribution"),
            description=_(
                "For each public proposal, debate or other contribution with public "
                "comments: how many, how many for, against and neutral, and their votes. "
                "Numbers only; contributions without comments are not listed."
            ),
            fields=COMMENT_COUNT_FIELDS,
            rows=comment_count_rows,
            keywords=("comments", "participation"),
            themes=("GOVE", "SOCI"),
            order=60,
        )
    )
