import datetime as dt
import json
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.services import token_create
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import emit, subscribe, unsubscribe
from wegov.mapview import services
from wegov.mapview.models import MapItem
from wegov.places.models import District
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals.models import Proposal
from wegov.proposals.tests.factories import ProposalFactory
from wegov.reports.models import Report, Status
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory
from wegov.social.models import Follow

pytestmark = pytest.mark.django_db

URL = "/api/v1/map/items"
CITY_BOX = "5.37,52.14,5.41,52.17"


def items(client, **params):
    response = client.get(URL, {"bbox": CITY_BOX, "zoom": 17, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def titles(collection) -> set[str]:
    return {f["properties"]["title"] for f in collection["features"] if "title" in f["properties"]}


@pytest.fixture
def report(city):
    return ReportFactory(title="Streetlight out on Kerkstraat", lat=52.156, lon=5.388)


@pytest.fixture
def proposal(city):
    return ProposalFactory(title="Benches by the river", lat=52.151, lon=5.381)


# --- the index follows every write -----------------------------------------------------


def test_a_new_report_and_a_located_proposal_are_on_the_map(report, proposal):
    rows = {(i.kind, i.object_id): i for i in MapItem.objects.all()}
    assert set(rows) == {("report", report.pk), ("proposal", proposal.pk)}
    item = rows[("report", report.pk)]
    assert (item.lat, item.lon, item.title) == (52.156, 5.388, report.title)
    assert item.url == reverse("reports:detail", args=[report.pk])
    assert item.district == District.objects.get()  # point-in-district of the city fixture


def test_a_proposal_without_a_place_is_not_on_the_map(city):
    ProposalFactory(title="A city-wide idea", lat=None, lon=None)
    assert not MapItem.objects.exists()


def test_edits_hiding_withdrawing_and_deleting_keep_the_index_right(report, proposal):
    report.title = "Streetlight out on Kerkstraat 4"
    report.status = Status.IN_PROGRESS
    report.save()
    item = MapItem.objects.get(kind="report")
    assert (item.title, item.status) == ("Streetlight out on Kerkstraat 4", "in_progress")

    report.is_hidden = True
    report.save()
    assert not MapItem.objects.filter(kind="report").exists()

    proposal.state = Proposal.State.WITHDRAWN
    proposal.withdrawn_at = timezone.now()
    proposal.save()
    assert not MapItem.objects.filter(kind="proposal").exists()

    report.is_hidden = False
    report.save()
    report.delete()
    assert not MapItem.objects.exists()


def test_moderation_hiding_through_update_is_followed_by_the_visibility_event(
    report, django_capture_on_commit_callbacks
):
    Report.objects.filter(pk=report.pk).update(is_hidden=True)  # no signal
    assert MapItem.objects.filter(kind="report").exists()
    with django_capture_on_commit_callbacks(execute=True):
        emit(VISIBILITY_EVENT, kind="report", object_id=report.pk, hidden=True)
    assert not MapItem.objects.filter(kind="report").exists()


def test_publishing_a_process_puts_its_proposals_on_the_map(city):
    process = ProcessFactory(is_published=False)
    ProposalFactory(process=process, lat=52.15, lon=5.38)
    assert not MapItem.objects.exists()
    process.is_published = True
    process.save()
    assert MapItem.objects.filter(kind="proposal", process_id=process.pk).count() == 1
    process.is_published = False
    process.save()
    assert not MapItem.objects.exists()


def test_rebuild_gives_the_same_index_as_the_live_updates(report, proposal):
    ReportFactory(is_hidden=True)
    live = sorted(MapItem.objects.values_list("kind", "object_id", "title", "status", "url"))
    MapItem.objects.all().delete()
    counts = services.rebuild()
    # Kinds with nothing on the map (e.g. budget projects here) count 0.
    assert {kind: n for kind, n in counts.items() if n} == {"report": 1, "proposal": 1}
    assert sorted(MapItem.objects.values_list("kind", "object_id", "title", "status", "url")) == (
        live
    )


def test_a_new_contribution_is_announced_once_after_commit(
    city, django_capture_on_commit_callbacks
):
    seen = []

    def record(**payload):
        seen.append(payload)

    subscribe(services.ITEM_ADDED)(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = ReportFactory(title="Bin overflowing", lat=52.156, lon=5.388)
        with django_capture_on_commit_callbacks(execute=True):
            report.title = "Bin overflowing again"
            report.save()  # an edit is not a new item
        with django_capture_on_commit_callbacks(execute=True):
            services.rebuild()
    finally:
        unsubscribe(services.ITEM_ADDED, record)
    assert seen == [
        {
            "kind": "report",
            "object_id": report.pk,
            "lat": 52.156,
            "lon": 5.388,
            "district": "centrum",
            "title": "Bin overflowing",
            "url": reverse("reports:detail", args=[report.pk]),
            "author_id": None,
        }
    ]


# --- the GeoJSON API -----------------------------------------------------------------


def test_items_of_every_kind_with_their_labels(client, report, proposal):
    collection = items(client)
    assert collection["type"] == "FeatureCollection" and collection["clustered"] is False
    by_kind = {f["properties"]["kind"]: f for f in collection["features"]}
    assert by_kind["report"]["geometry"] == {"type": "Point", "coordinates": [5.388, 52.156]}
    props = by_kind["report"]["properties"]
    assert props["kind_label"] == "Problem report"
    assert props["status_label"] == "Submitted"
    assert props["id"] == report.pk
    assert by_kind["proposal"]["properties"]["status_label"] == "Not answered"


def test_filters_by_kind_category_status_district_and_dates(client, city, report, proposal):
    other = ReportFactory(
        title="Graffiti on the bridge",
        category=CategoryFactory(service_code="graffiti", name="Graffiti"),
        status=Status.CLOSED,
    )
    MapItem.objects.filter(object_id=other.pk, kind="report").update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    assert titles(items(client, kind="proposal")) == {proposal.title}
    assert titles(items(client, kind=["proposal", "report"])) == {
        proposal.title,
        report.title,
        other.title,
    }
    assert titles(items(client, category="graffiti")) == {other.title}
    assert titles(items(client, status="closed")) == {other.title}
    assert len(titles(items(client, district="centrum"))) == 3
    assert titles(items(client, district="elsewhere")) == set()
    today = timezone.localdate()
    recent = items(client, start=(today - dt.timedelta(days=7)).isoformat())
    assert titles(recent) == {report.title, proposal.title}
    old = items(client, end=(today - dt.timedelta(days=30)).isoformat())
    assert titles(old) == {other.title}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "5.3,52.1"}, "bbox"),
        ({"bbox": "5.5,52.1,5.3,52.2"}, "bbox"),
        ({"bbox": "nan,52.1,5.3,52.2"}, "bbox"),
        ({"bbox": CITY_BOX, "zoom": "99"}, "zoom"),
        ({"bbox": CITY_BOX, "kind": "spaceship"}, "kind"),
        ({"bbox": CITY_BOX, "start": "2026-02-01", "end": "2026-01-01"}, "end"),
        ({"bbox": CITY_BOX, "category": "<script>"}, "category"),
    ],
)
def test_bad_queries_get_a_400_with_the_reason(client, city, params, field):
    response = client.get(URL, params)
    assert response.status_code in (400, 422)
    body = response.json()
    assert "detail" in body
    if response.status_code == 400:
        assert field in body["errors"]


def test_a_missing_bbox_is_refused(client, city):
    assert client.get(URL).status_code in (400, 422)


def test_followed_needs_someone_signed_in(client, report):
    response = client.get(URL, {"bbox": CITY_BOX, "followed": "true"})
    assert response.status_code == 400
    assert "followed" in response.json()["errors"]


def test_followed_only_shows_what_the_user_follows(client, citizen, report, proposal):
    _token, key = token_create(actor=citizen, name="map")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    Follow.objects.create(user=citizen, target_kind="report", target_id=report.pk)
    response = client.get(URL, {"bbox": CITY_BOX, "zoom": 17, "followed": "true"}, **auth)
    assert titles(json.loads(response.content)) == {report.title}
    assert "private" in response["Cache-Control"]
    Follow.objects.create(user=citizen, target_kind="process", target_id=proposal.process_id)
    response = client.get(URL, {"bbox": CITY_BOX, "zoom": 17, "followed": "true"}, **auth)
    assert titles(json.loads(response.content)) == {report.title, proposal.title}
    Follow.objects.filter(user=citizen).delete()
    Follow.objects.create(user=citizen, target_kind="district", target_id=District.objects.get().pk)
    response = client.get(URL, {"bbox": CITY_BOX, "zoom": 17, "followed": "true"}, **auth)
    assert titles(json.loads(response.content)) == {report.title, proposal.title}


def test_a_city_wide_view_of_many_items_is_clustered_and_bounded(client, city):
    rng = random.Random(5)
    category = CategoryFactory()
    Report.objects.bulk_create(
        [
            Report(
                category=category,
                department=category.department,
                title=f"Report {n}",
                description="x",
                lat=52.14 + rng.random() * 0.03,
                lon=5.37 + rng.random() * 0.04,
                due_at=timezone.now(),
            )
            for n in range(3000)
        ]
    )
    services.rebuild()
    collection = items(client, zoom=12)
    assert collection["clustered"] is True
    features = collection["features"]
    assert len(features) <= 16 * 16 * 4
    assert sum(f["properties"].get("count", 1) for f in features) == 3000
    street = items(client, bbox="5.388,52.155,5.390,52.156", zoom=18)
    assert street["clustered"] is False
    assert 0 < len(street["features"]) < 100


def test_a_change_shows_at_once_despite_the_tile_cache(
    client, report, django_capture_on_commit_callbacks
):
    assert titles(items(client)) == {report.title}
    with django_capture_on_commit_callbacks(execute=True):
        ReportFactory(title="A second report", lat=52.157, lon=5.389)
    assert titles(items(client)) == {report.title, "A second report"}


def test_a_cached_answer_costs_no_query(client, report, django_assert_max_num_queries):
    items(client)
    with django_assert_max_num_queries(0):
        client.get(URL, {"bbox": CITY_BOX, "zoom": 17})


def test_the_api_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/v1/map/items"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"bbox", "zoom", "kind", "category", "status", "district", "start", "end"} <= names


# --- the page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["anonymous", "citizen", "other_citizen", "other_staff", "moderator", "admin_user"]
)
def test_everyone_sees_the_map_page_and_its_list(as_role, role, report, proposal):
    client, _user = as_role(role)
    response = client.get(reverse("mapview:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert report.title in html and proposal.title in html
    assert 'data-map="items"' in html
    assert ("Only what I follow" in html) == (role != "anonymous")


def test_the_list_follows_the_filters_without_javascript(client, report, proposal):
    response = client.get(reverse("mapview:index"), {"kind": "proposal"})
    html = response.content.decode()
    assert proposal.title in html and report.title not in html
    assert "1 item" in html


def test_bad_filters_on_the_page_show_a_message_and_all_items(client, report):
    response = client.get(reverse("mapview:index"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "The end date must not be before the start date." in response.content.decode()


def test_the_page_costs_the_same_queries_for_many_items(
    client, city, django_assert_max_num_queries
):
    for n in range(30):
        ReportFactory(title=f"Loose tile {n}", lat=CENTRE[0], lon=CENTRE[1])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mapview:index"))
    assert response.content.decode().count("wegov-report-list__item") == 20


def test_a_new_report_reaches_the_people_watching_its_area(
    city, citizen, other_citizen, django_capture_on_commit_callbacks
):
    """End to end: a report filed through the service is indexed, announced,
    and the owner of a circle around it is notified (its author is not)."""
    from wegov.places import services as places_services
    from wegov.reports import services as report_services
    from wegov.social.models import Notification

    places_services.area_of_interest_create(
        actor=citizen,
        data=places_services.AreaOfInterestData(
            name="Around home", kind="circle", center_lat=52.156, center_lon=5.388, radius_m=300
        ),
    )
    category = CategoryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_create(
            actor=other_citizen,
            data=report_services.NewReport(
                category=category,
                title="Bench broken by the church",
                description="The seat is split in two.",
                lat=52.1565,
                lon=5.3885,
            ),
        )
    assert MapItem.objects.filter(kind="report", object_id=report.pk).exists()
    notified = Notification.objects.filter(recipient=citizen)
    assert notified.count() == 1
    assert notified.get().notification_type == "areas"
    assert not Notification.objects.filter(
        recipient=other_citizen, notification_type="areas"
    ).exists()
