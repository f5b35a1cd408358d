"""Results in the contribution registry: the one map, follows, open data."""

import pytest
from django.urls import reverse

from wegov.accountability import services
from wegov.accountability.models import Result
from wegov.core import registry
from wegov.mapview.models import MapItem
from wegov.opendata import registry as opendata

from .factories import MilestoneFactory, ResultFactory

pytestmark = pytest.mark.django_db


def test_registered_kind_presents_a_result(result):
    kind = registry.get_kind("result")
    shown = kind.present(result)
    assert shown.url == reverse("accountability:detail", args=[result.pk])
    assert (shown.status, shown.category) == ("planned", "other")
    assert shown.public and shown.process_id == result.process_id
    assert not kind.commentable and not kind.flaggable


def test_result_with_a_place_is_on_the_map_with_its_status(result, staff, city):
    item = MapItem.objects.get(kind="result", object_id=result.pk)
    assert (item.lat, item.lon, item.status) == (result.lat, result.lon, "planned")
    services.result_update_status(actor=staff, result=result, status="in_progress", progress=30)
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_tracked_proposal_shows_on_the_map_as_a_result(accepted_proposal, staff):
    result = services.result_track(actor=staff, source=accepted_proposal)
    item = MapItem.objects.get(kind="result", object_id=result.pk)
    assert item.category == "proposal"
    assert item.district_id is not None


def test_hidden_unplaced_or_unpublished_results_are_off_the_map(process, department):
    ResultFactory(process=process, lat=None, lon=None)
    ResultFactory(process=process, lat=52.15, lon=5.38, is_hidden=True)
    on_map = ResultFactory(process=process, lat=52.15, lon=5.38)
    assert list(MapItem.objects.filter(kind="result").values_list("object_id", flat=True)) == [
        on_map.pk
    ]
    process.is_published = False
    process.save()
    assert not MapItem.objects.filter(kind="result").exists()


def test_map_page_filters_results_by_status(client, result, staff):
    services.result_update_status(actor=staff, result=result, status="done")
    html = client.get(
        reverse("mapview:index"), {"kind": "result", "status": "done"}
    ).content.decode()
    assert result.title in html
    html = client.get(
        reverse("mapview:index"), {"kind": "result", "status": "planned"}
    ).content.decode()
    assert result.title not in html


def test_map_api_serves_results(client, result):
    params = {"kind": "result", "bbox": "5.37,52.14,5.41,52.17", "zoom": 18}
    body = client.get(reverse("api:map_items"), params).json()
    kinds = {f["properties"].get("kind") for f in body["features"]}
    assert kinds <= {"result", None}
    assert body["features"]


def test_open_data_rows(result, staff):
    MilestoneFactory(result=result, title="Benches ordered")
    ResultFactory(process=result.process, is_hidden=True)
    dataset = opendata.get("results")
    rows = list(dataset.iter_rows())
    assert len(rows) == 1
    row = dict(zip(dataset.field_names, rows[0], strict=True))
    assert row["id"] == result.pk and row["status"] == "planned"
    assert row["milestones"] == [{"title": "Benches ordered", "due_on": None, "reached_on": None}]
    assert row["url"].endswith(reverse("accountability:detail", args=[result.pk]))
    # No personal data.
    assert not {"created_by", "author", "email"} & set(dataset.field_names)


def test_open_data_query_count(process, department, django_assert_max_num_queries):
    for _ in range(10):
        MilestoneFactory(result=ResultFactory(process=process))
    with django_assert_max_num_queries(3):
        rows = list(opendata.get("results").iter_rows())
    assert len(rows) == 10 == Result.objects.count()
