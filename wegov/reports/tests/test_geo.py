import datetime as dt
import random

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from wegov.core import maptiles
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import emit
from wegov.places import services as places
from wegov.reports import cache as data_cache
from wegov.reports import geo, services
from wegov.reports.models import Report, Status
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:map_geojson")
# About 1.4 km x 1.1 km around the demo city's centre.
BOX = "5.378,52.151,5.398,52.161"


def get(client, **params):
    params.setdefault("bbox", BOX)
    return client.get(URL, params)


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Pothole", service_code="pothole")


def bulk_reports(category, n, *, seed=1, box=(52.152, 5.379, 52.160, 5.397), **fields):
    rng = random.Random(seed)
    due = timezone.now() + dt.timedelta(days=3)
    Report.objects.bulk_create(
        Report(
            category=category,
            department=category.department,
            title=f"Report {i}",
            description="Something is broken.",
            lat=rng.uniform(box[0], box[2]),
            lon=rng.uniform(box[1], box[3]),
            due_at=due,
            **fields,
        )
        for i in range(n)
    )


def test_few_reports_are_individual_features(client, category):
    report = ReportFactory(category=category, title="Loose paving stone")
    response = get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"] and "max-age=30" in response["Cache-Control"]
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["clustered"] is False
    (feature,) = data["features"]
    assert feature == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [CENTRE[1], CENTRE[0]]},
        "properties": {
            "id": report.pk,
            "title": "Loose paving stone",
            "status": "submitted",
            "status_label": "Submitted",
            "category": "pothole",
            "url": f"/reports/{report.pk}/",
        },
    }


def test_reports_outside_the_box_are_left_out(client, category):
    ReportFactory(category=category, lat=52.20, lon=5.39)
    assert get(client).json()["features"] == []


def test_hidden_reports_are_never_on_the_map(client, category):
    ReportFactory(category=category, is_hidden=True)
    bulk_reports(category, 600, is_hidden=True)
    data = get(client).json()
    assert data["features"] == [] and data["clustered"] is False


def test_many_reports_are_clustered_in_the_database(client, category):
    bulk_reports(category, 700)
    data = get(client, zoom="14").json()
    assert data["clustered"] is True
    features = data["features"]
    clusters = [f for f in features if f["properties"].get("cluster")]
    assert clusters, "a crowded box gives clusters"
    singles = [f for f in features if not f["properties"].get("cluster")]
    # Every report is counted once: in a cluster or as a single-report cell.
    assert sum(f["properties"]["count"] for f in clusters) + len(singles) == 700
    for feature in clusters:
        lon, lat = feature["geometry"]["coordinates"]
        assert 52.152 <= lat <= 52.160 and 5.379 <= lon <= 5.397
        assert set(feature["properties"]) == {"cluster", "count"}
    for feature in singles:
        assert set(feature["properties"]) >= {"id", "title", "url"}
    assert len(features) <= maptiles.CELLS_ACROSS**2


def test_street_level_shows_individual_reports_of_a_crowded_box(client, category):
    bulk_reports(category, 700)
    data = get(client, zoom="16").json()
    assert data["clustered"] is False and len(data["features"]) == 700


def test_huge_box_is_always_clustered(client, category):
    ReportFactory(category=category, title="Alone")
    data = get(client, bbox="0,40,10,60").json()
    assert data["clustered"] is True
    # One report in its cell is shown as itself.
    (feature,) = data["features"]
    assert feature["properties"]["title"] == "Alone"


def test_clusters_are_cached_and_stable_when_panning(client, category, django_assert_num_queries):
    bulk_reports(category, 700)
    first = get(client, zoom="14").content
    with django_assert_num_queries(0):  # straight from the cache
        assert get(client, zoom="14").content == first
    # Panning by less than a grid cell gives the same clusters.
    moved = "5.37801,52.15101,5.39801,52.16101"
    with django_assert_num_queries(0):
        assert get(client, bbox=moved, zoom="14").content == first


@pytest.mark.parametrize("n", [5, 700])
def test_query_count_is_constant(client, category, n, django_assert_max_num_queries):
    bulk_reports(category, n)
    with django_assert_max_num_queries(3):
        assert get(client, zoom="14").status_code == 200


def test_filters(client, category, department):
    other = CategoryFactory(department=department, service_code="graffiti")
    old = ReportFactory(category=category, status=Status.RESOLVED)
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    new = ReportFactory(category=other, status=Status.IN_PROGRESS, lat=52.157, lon=5.389)
    district = places.area_save(
        kind="district",
        name="Binnenstad",
        slug="binnenstad",
        geometry={
            "type": "Polygon",
            "coordinates": [[[5.38, 52.15], [5.40, 52.15], [5.40, 52.16], [5.38, 52.15]]],
        },
    )
    Report.objects.filter(pk=new.pk).update(district=district)

    def ids(**params):
        return {f["properties"]["id"] for f in get(client, **params).json()["features"]}

    assert ids() == {old.pk, new.pk}
    assert ids(category="graffiti") == {new.pk}
    assert ids(status="open") == {new.pk}
    assert ids(status="closed") == {old.pk}
    assert ids(status="resolved") == {old.pk}
    assert ids(district="binnenstad") == {new.pk}
    assert ids(start=(timezone.localdate() - dt.timedelta(days=7)).isoformat()) == {new.pk}
    assert ids(end=(timezone.localdate() - dt.timedelta(days=30)).isoformat()) == {old.pk}
    assert ids(category="nothing-like-this") == set()


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": ""},
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "5.4,52.1,5.3,52.2"},  # min > max
        {"bbox": "5.3,52.1,5.3,52.2"},  # zero width
        {"bbox": "5.3,-91,5.4,52.2"},
        {"bbox": "5.3,52.1,181,52.2"},
        {"bbox": "nan,52.1,5.4,52.2"},
        {"bbox": "5.3,52.1,inf,52.2"},
        {"zoom": "-1"},
        {"zoom": "many"},
        {"status": "lost"},
        {"start": "yesterday"},
        {"start": "2026-05-02", "end": "2026-05-01"},
    ],
)
def test_bad_queries_are_400_with_a_reason(client, params):
    response = client.get(URL, {"bbox": BOX, **params})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["errors"]


def test_missing_bbox_is_400(client):
    response = client.get(URL)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("bbox:")


def test_only_get(client):
    assert client.post(URL, {"bbox": BOX}).status_code == 405


def test_titles_are_data_never_markup(client, category):
    title = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    ReportFactory(category=category, title=title)
    response = get(client)
    raw = response.content.decode()
    assert "<" not in raw and ">" not in raw
    assert response.json()["features"][0]["properties"]["title"] == title


def test_status_labels_follow_the_language(client, category):
    ReportFactory(category=category, status=Status.RESOLVED)
    data = client.get(URL, {"bbox": BOX}, HTTP_ACCEPT_LANGUAGE="nl").json()
    assert data["features"][0]["properties"]["status"] == "resolved"
    assert data["features"][0]["properties"]["status_label"]


def test_cell_size_is_a_power_of_two_with_enough_cells():
    for span in (0.001, 0.01, 0.13, 1.0, 7.5, 360):
        box = maptiles.BBox(0, 0, span, span / 2)
        size = maptiles.cell_size(box)
        assert maptiles.CELLS_ACROSS / 2 <= span / size <= maptiles.CELLS_ACROSS
        assert size == 2.0 ** round(__import__("math").log2(size))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plan check on PostgreSQL only")
def test_box_query_uses_the_lat_lon_index(category):
    bulk_reports(category, 2000)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE reports_report")
    box = geo.parse_bbox(BOX)
    size = maptiles.tile_size(box)
    (x0, y0), *_rest, (x1, y1) = maptiles.tiles_for(box, size)
    qs = Report.objects.filter(is_hidden=False).filter(maptiles.tile_q(size, x0, y0, x1, y1))
    assert "reports_lat_lon" in qs.order_by().values_list("id", "lat", "lon").explain()


# --- Tiles and caching ---------------------------------------------------------------


def test_a_box_lies_on_at_most_four_fixed_tiles():
    box = maptiles.BBox(5.378, 52.151, 5.398, 52.161)
    size = maptiles.tile_size(box)
    assert size == 2.0**-5 and maptiles.cell_size(box) == size / maptiles.CELLS_ACROSS
    # 52.15625 = 1669 * 2**-5 is a tile edge: the box spans it.
    assert maptiles.tiles_for(box, size) == [(172, 1668), (172, 1669)]
    inside = maptiles.BBox(5.378, 52.157, 5.398, 52.167)
    assert maptiles.tiles_for(inside, maptiles.tile_size(inside)) == [(172, 1669)]
    for span in (0.001, 0.013, 0.2, 3.0, 360.0):
        wide = maptiles.BBox(-180.0, -90.0, -180.0 + span, -90.0 + span / 2)
        assert 1 <= len(maptiles.tiles_for(wide, maptiles.tile_size(wide))) <= 4


def test_a_box_across_a_tile_edge_gets_both_tiles(client, category):
    below = ReportFactory(category=category, lat=52.1560, lon=5.389)
    above = ReportFactory(category=category, lat=52.1565, lon=5.389)
    ids = {f["properties"]["id"] for f in get(client, zoom="15").json()["features"]}
    assert ids == {below.pk, above.pk}


def test_hit_and_miss_give_the_same_bytes(client, category, django_assert_num_queries):
    bulk_reports(category, 700)
    ReportFactory(category=category, lat=52.1585, lon=5.3972, title="Alone")
    for zoom in ("14", "16"):
        miss = get(client, zoom=zoom).content
        with django_assert_num_queries(0):
            hit = get(client, zoom=zoom).content
        assert hit == miss
        data_cache.clear_local()  # from the shared cache, as another worker would
        with django_assert_num_queries(0):
            assert get(client, zoom=zoom).content == miss


def test_clusters_do_not_move_when_panning_within_the_tiles(client, category):
    bulk_reports(category, 2000)

    def clusters(bbox):
        return {
            (tuple(f["geometry"]["coordinates"]), f["properties"].get("count"))
            for f in get(client, bbox=bbox, zoom="14").json()["features"]
        }

    first = clusters("5.378,52.151,5.392,52.158")
    panned = clusters("5.384,52.154,5.398,52.161")  # same tiles, other cells in view
    common = first & panned
    assert len(common) > 20
    # Where the views overlap they show exactly the same clusters.
    overlap = maptiles.BBox(5.3845, 52.1545, 5.3915, 52.1575)
    in_first = {c for c in first if overlap.min_lon < c[0][0] < overlap.max_lon}
    in_first = {c for c in in_first if overlap.min_lat < c[0][1] < overlap.max_lat}
    assert in_first and in_first <= panned


def test_the_document_holds_only_the_cells_around_the_box(client, category):
    bulk_reports(category, 2000)
    box = geo.parse_bbox("5.384,52.154,5.389,52.157")
    data = get(client, bbox="5.384,52.154,5.389,52.157", zoom="15").json()
    cell = data["cell_size"]
    assert data["clustered"] is True
    for feature in data["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert box.min_lon - cell <= lon <= box.max_lon + cell
        assert box.min_lat - cell <= lat <= box.max_lat + cell


def test_a_new_report_and_a_status_change_show_at_once(
    client, city, category, staff, django_capture_on_commit_callbacks
):
    before = get(client).json()["features"]
    assert before == []
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_create(
            actor=None,
            data=services.NewReport(
                category=category,
                title="Fallen tree",
                description="Across the path",
                lat=52.156,
                lon=5.389,
                anonymous=True,
                email="someone@example.org",
            ),
        )
    (feature,) = get(client).json()["features"]
    assert feature["properties"]["id"] == report.pk
    assert feature["properties"]["status"] == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        services.report_change_status(actor=staff, report=report, status=Status.IN_PROGRESS)
    (feature,) = get(client).json()["features"]
    assert feature["properties"]["status"] == "in_progress"
    assert get(client, status="closed").json()["features"] == []


def test_a_hidden_report_leaves_the_map_at_once(
    client, category, moderator, django_capture_on_commit_callbacks
):
    report = ReportFactory(category=category)
    bulk_reports(category, 700)
    total = 701

    def counted(**params):
        features = get(client, **params).json()["features"]
        return sum(f["properties"].get("count", 1) for f in features), features

    assert counted(zoom="14")[0] == total
    assert report.pk in {f["properties"]["id"] for f in counted(zoom="16")[1]}
    with django_capture_on_commit_callbacks(execute=True):
        services.report_set_hidden(actor=moderator, report=report, hidden=True, reason="Abuse")
    assert counted(zoom="14")[0] == total - 1
    assert report.pk not in {f["properties"]["id"] for f in counted(zoom="16")[1]}
    with django_capture_on_commit_callbacks(execute=True):
        services.report_set_hidden(actor=moderator, report=report, hidden=False, reason="Fine")
    assert counted(zoom="14")[0] == total


@pytest.mark.parametrize(
    "query",
    [
        "bbox=5.378,52.151,5.398,52.161",
        "bbox=5.378,52.151,5.398,52.161&zoom=14&category=pothole&status=open",
        "bbox=5.378,52.151,5.398,52.161&district=centrum&start=2026-01-01&end=2026-12-31",
        "bbox=%205.378,52.151,5.398,52.161%20&zoom=&status=&other=x",
        "bbox=5.378,52.151,5.398,52.161&zoom=7.0",
        "bbox=5.378,52.151,5.398,52.161&zoom=3&zoom=4",
        "bbox=5.378,52.151,5.398,52.161&start=2026-02-30",
        "bbox=5.378,52.151,5.398,52.161&category=caf%C3%A9",
        "bbox=5.378,52.151,5.398,52.161&start=2026-05-02&end=2026-05-01",
        "zoom=3",
    ],
)
def test_the_quick_parse_agrees_with_the_form(query):
    from django.http import QueryDict

    from wegov.reports import views_geo

    params = QueryDict(query)
    quick = views_geo._quick_parse(params)
    form = views_geo.MapQueryForm(params)
    if quick is None:
        return  # the form decides, errors and all
    assert form.is_valid(), form.errors
    assert quick == form.cleaned_data


def test_the_usual_queries_take_the_quick_path():
    from django.http import QueryDict

    from wegov.reports import views_geo

    for query in (
        "bbox=5.378,52.151,5.398,52.161&zoom=15",
        "bbox=5.378,52.151,5.398,52.161&zoom=14&category=pothole&status=open&start=2026-01-01",
    ):
        assert views_geo._quick_parse(QueryDict(query)) is not None


def test_a_report_hidden_by_moderation_leaves_the_cached_map_at_once(
    client, category, django_capture_on_commit_callbacks
):
    report = ReportFactory(category=category, title="Offensive words")
    assert "Offensive words" in get(client).content.decode()
    # What moderation does through the registry, then announces.
    with django_capture_on_commit_callbacks(execute=True):
        Report.objects.filter(pk=report.pk).update(is_hidden=True)
        emit(VISIBILITY_EVENT, kind="report", object_id=report.pk, hidden=True)
    assert "Offensive words" not in get(client).content.decode()
