"""manage.py import_places: reading, checking, importing, re-importing."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wegov.core.events import subscribe, unsubscribe
from wegov.core.models import AuditEntry
from wegov.places import demo, importing
from wegov.places.models import Area, District

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "lindenbrug-places.geojson"


DEMO_OUTER = ["noorderhaven", "oosterpark", "molenkwartier", "zuidveld"]


def square(x0, y0, x1, y1):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
    }


def feature(name, geometry, **props):
    return {"type": "Feature", "properties": {"name": name, **props}, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


# A 0.1° x 0.1° town with two halves.
TOWN = feature("Town", square(5.0, 52.0, 5.1, 52.1), kind="city", population=1000)
WEST = feature("West End", square(5.0, 52.0, 5.05, 52.1), population=400)
EAST = feature("East", square(5.05, 52.0, 5.1, 52.1), slug="oost")


def run(tmp_path, data, *args):
    path = tmp_path / "places.geojson"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    out = StringIO()
    call_command("import_places", str(path), *args, stdout=out)
    return out.getvalue()


def fails(tmp_path, data, *args) -> str:
    with pytest.raises(CommandError) as caught:
        run(tmp_path, data, *args)
    return str(caught.value)


@pytest.mark.django_db
def test_example_file_is_the_demo_city_and_imports_its_8_districts(tmp_path):
    assert EXAMPLE.read_text() == demo.geojson_text()
    out = StringIO()
    call_command("import_places", str(EXAMPLE), stdout=out)
    assert "City: Lindenbrug (lindenbrug); 8 districts." in out.getvalue()
    assert "Imported." in out.getvalue()
    slugs = sorted(District.objects.values_list("slug", flat=True))
    assert slugs == sorted(["binnenstad", "lindenhof", "rivierzijde", "westwijk", *DEMO_OUTER])
    assert Area.objects.get(kind="city").population == 162000
    assert District.objects.get(slug="zuidveld").population == 26100
    # The demo loads the same: importing the file again changes nothing.
    out = StringIO()
    call_command("import_places", str(EXAMPLE), stdout=out)
    assert "Nothing to change." in out.getvalue()
    assert "unchanged: lindenbrug, binnenstad" in out.getvalue()


@pytest.mark.django_db
def test_import_derives_slugs_and_reads_properties(tmp_path):
    out = run(tmp_path, collection(TOWN, WEST, EAST))
    assert "created: town, west-end, oost" in out
    west = District.objects.get(slug="west-end")
    assert (west.name, west.population) == ("West End", 400)
    assert District.objects.get(slug="oost").population is None
    assert (west.min_lon, west.max_lon, west.min_lat, west.max_lat) == (5.0, 5.05, 52.0, 52.1)
    entry = AuditEntry.objects.get(action="places.imported")
    assert entry.after["created"] == ["town", "west-end", "oost"]


@pytest.mark.django_db
def test_city_is_the_feature_covering_the_others_or_the_named_one(tmp_path):
    town = feature("Town", TOWN["geometry"])  # no kind
    run(tmp_path, collection(WEST, town, EAST))
    assert Area.objects.get(kind="city").slug == "town"
    Area.objects.all().delete()
    # Named (case does not matter), wherever it is in the file.
    run(tmp_path, collection(WEST, EAST, town), "--city-name", "TOWN")
    assert Area.objects.get(kind="city").slug == "town"
    marked = feature("East", square(5.05, 52.0, 5.1, 52.1), kind="city")
    message = fails(tmp_path, collection(WEST, marked, town), "--city-name", "Town")
    assert "feature 1 has kind 'city' but feature 2 was chosen as the city" in message


@pytest.mark.django_db
def test_no_city_can_be_told_apart(tmp_path):
    message = fails(tmp_path, collection(WEST, EAST))
    assert "Cannot tell which feature is the city boundary" in message
    two = feature("Town 2", square(5.0, 52.0, 5.1, 52.1), kind="city")
    assert "More than one feature has kind 'city'" in fails(tmp_path, collection(TOWN, two, WEST))
    assert "0 features are named 'Nope'" in fails(
        tmp_path, collection(TOWN, WEST), "--city-name", "Nope"
    )
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_bad_json_says_line_and_column(tmp_path):
    message = fails(tmp_path, '{"type": "FeatureCollection",\n  "features": [,]}')
    assert "Not valid JSON: line 2, column 16" in message
    path = tmp_path / "latin1.geojson"
    path.write_bytes('{"type": "Façade"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="Not UTF-8 text"):
        call_command("import_places", str(path))


@pytest.mark.django_db
def test_not_a_feature_collection(tmp_path):
    assert "Expected a GeoJSON FeatureCollection, found 'Feature'" in fails(tmp_path, TOWN)
    assert "found 'list'" in fails(tmp_path, [TOWN])
    assert "has no features" in fails(tmp_path, collection())


@pytest.mark.django_db
def test_wrong_geometry_types_and_invalid_polygons_name_the_feature(tmp_path):
    point = feature("Pointy", {"type": "Point", "coordinates": [5.02, 52.02]})
    line = feature("Liney", {"type": "LineString", "coordinates": [[5.0, 52.0], [5.1, 52.1]]})
    bowtie = feature(
        "Bowtie",
        {
            "type": "Polygon",
            "coordinates": [[[5.0, 52.0], [5.1, 52.1], [5.1, 52.0], [5.0, 52.1], [5.0, 52.0]]],
        },
    )
    nameless = {"type": "Feature", "properties": {}, "geometry": square(5, 52, 5.01, 52.01)}
    message = fails(tmp_path, collection(TOWN, point, line, bowtie, nameless, {"type": "x"}))
    assert "feature 1 ('Pointy'): geometry is a Point, not a Polygon or MultiPolygon" in message
    assert "feature 2 ('Liney'): geometry is a LineString" in message
    assert "feature 3 ('Bowtie'): invalid Polygon: Self-intersection" in message
    assert "feature 4: has no name" in message
    assert "feature 5: not a GeoJSON Feature" in message
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_projected_coordinates_are_refused(tmp_path):
    rd = feature("Town", square(155000, 463000, 156000, 464000), kind="city")
    assert "coordinates are not WGS84 longitude/latitude" in fails(tmp_path, collection(rd, WEST))
    with_crs = {**collection(TOWN, WEST), "crs": {"properties": {"name": "EPSG:28992"}}}
    assert "Reproject it first" in fails(tmp_path, with_crs)
    crs84 = {
        **collection(TOWN, WEST),
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    }
    run(tmp_path, crs84)
    assert Area.objects.count() == 2


@pytest.mark.django_db
def test_overlapping_districts_are_refused_with_names_and_size(tmp_path):
    # East reaches 0.005° (10% of its width) into West.
    wide_east = feature("East", square(5.045, 52.0, 5.1, 52.1))
    message = fails(tmp_path, collection(TOWN, WEST, wide_east))
    assert "Districts 'West End' (feature 1) and 'East' (feature 2) overlap by" in message
    assert "km²" in message and "(10.00% of the smaller)" in message
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_overlap_within_the_tolerance_is_accepted(tmp_path):
    # 0.00001° of 0.05°: 0.02% overlap.
    east = feature("East", square(5.04999, 52.0, 5.1, 52.1))
    assert "overlap" in fails(tmp_path, collection(TOWN, WEST, east), "--tolerance", "0.0001")
    run(tmp_path, collection(TOWN, WEST, east))  # default 0.1%
    assert District.objects.count() == 2


@pytest.mark.django_db
def test_district_sticking_out_of_the_city_is_refused(tmp_path):
    outside = feature("Far", square(5.09, 52.0, 5.2, 52.1))
    message = fails(tmp_path, collection(TOWN, WEST, outside), "--city-name", "Town")
    assert "District 'Far' (feature 2) sticks out of the city by" in message
    assert "(90.91% of the district)" in message


@pytest.mark.django_db
def test_duplicate_slugs_are_refused(tmp_path):
    twin = feature("West end", square(5.05, 52.0, 5.1, 52.1))
    message = fails(tmp_path, collection(TOWN, WEST, twin))
    assert "feature 2 and feature 1 have the same slug 'west-end'" in message
    bad = feature("X", square(5.05, 52.0, 5.1, 52.1), slug="Not A Slug")
    assert "slug 'Not A Slug' must be" in fails(tmp_path, collection(TOWN, WEST, bad))


@pytest.mark.django_db
def test_bad_population(tmp_path):
    east = feature("East", square(5.05, 52.0, 5.1, 52.1), population="many")
    assert "population must be a whole number, not 'many'" in fails(
        tmp_path, collection(TOWN, WEST, east)
    )
    east = feature("East", square(5.05, 52.0, 5.1, 52.1), population=-3)
    assert "population cannot be negative" in fails(tmp_path, collection(TOWN, WEST, east))


@pytest.mark.django_db
def test_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_places", str(tmp_path / "missing.geojson"))


@pytest.mark.django_db
def test_dry_run_reports_and_changes_nothing(tmp_path):
    out = run(tmp_path, collection(TOWN, WEST, EAST), "--dry-run")
    assert "would be created: town, west-end, oost" in out
    assert "Dry run: nothing was changed." in out
    assert not Area.objects.exists()
    assert not AuditEntry.objects.filter(action="places.imported").exists()


@pytest.mark.django_db
def test_reimport_updates_by_slug_and_keeps_absent_districts(tmp_path):
    run(tmp_path, collection(TOWN, WEST, EAST))
    west_id = District.objects.get(slug="west-end").pk
    renamed = feature("Westend", square(5.0, 52.0, 5.05, 52.1), slug="west-end", population=450)
    out = run(tmp_path, collection(TOWN, renamed))
    assert "updated: west-end" in out
    assert "not in the file, kept (use --prune to remove): oost" in out
    west = District.objects.get(slug="west-end")
    assert (west.pk, west.name, west.population) == (west_id, "Westend", 450)
    assert District.objects.filter(slug="oost").exists()


@pytest.mark.django_db
def test_prune_removes_absent_districts_and_reassign_moves_contributions(tmp_path, citizen):
    from wegov.reports.tests.factories import ReportFactory

    run(tmp_path, collection(TOWN, WEST, EAST))
    east = District.objects.get(slug="oost")
    report = ReportFactory(lat=52.05, lon=5.07, district=east)
    bigger_west = feature("West End", square(5.0, 52.0, 5.1, 52.1))
    out = run(tmp_path, collection(TOWN, bigger_west), "--prune", "--reassign")
    assert "removed: oost" in out
    assert "reports.Report: 1 given another district" in out
    assert not District.objects.filter(slug="oost").exists()
    report.refresh_from_db()
    assert report.district.slug == "west-end"


@pytest.mark.django_db
def test_prune_without_reassign_leaves_contributions_without_district(tmp_path):
    from wegov.reports.tests.factories import ReportFactory

    run(tmp_path, collection(TOWN, WEST, EAST))
    report = ReportFactory(lat=52.05, lon=5.07, district=District.objects.get(slug="oost"))
    run(tmp_path, collection(TOWN, WEST), "--prune", "--tolerance", "0.5")
    report.refresh_from_db()
    assert report.district is None


@pytest.mark.django_db
def test_prune_is_refused_while_a_process_or_routing_depends_on_the_district(tmp_path):
    from wegov.processes.tests.factories import ProcessFactory

    run(tmp_path, collection(TOWN, WEST, EAST))
    ProcessFactory(scope="district", district=District.objects.get(slug="oost"))
    message = fails(tmp_path, collection(TOWN, WEST), "--prune")
    assert "'East' is used by 1 participatory processes" in message
    assert District.objects.filter(slug="oost").exists()


@pytest.mark.django_db
def test_a_new_city_boundary_replaces_the_old(tmp_path):
    run(tmp_path, collection(TOWN, WEST, EAST))
    bigger = feature("Greater Town", square(4.9, 51.9, 5.2, 52.2), kind="city")
    out = run(tmp_path, collection(bigger, WEST, EAST))
    assert "removed: town" in out
    assert Area.objects.get(kind="city").slug == "greater-town"


@pytest.mark.django_db
def test_import_emits_an_event_after_commit(tmp_path, django_capture_on_commit_callbacks):
    seen = []

    def handler(**payload):
        seen.append(payload)

    subscribe(importing.AREAS_IMPORTED_EVENT)(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(tmp_path, collection(TOWN, WEST))
        with django_capture_on_commit_callbacks(execute=True):
            run(tmp_path, collection(TOWN, WEST))  # nothing changed: no event
    finally:
        unsubscribe(importing.AREAS_IMPORTED_EVENT, handler)
    assert seen == [
        {"created": ["town", "west-end"], "updated": [], "removed": [], "reassigned": {}}
    ]


@pytest.mark.django_db
def test_standard_input(tmp_path, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(collection(TOWN, WEST)).encode()))
    )
    call_command("import_places", "-", stdout=StringIO())
    assert District.objects.count() == 1


@pytest.mark.django_db
def test_prune_is_refused_while_reports_are_routed_by_the_district(tmp_path):
    from wegov.reports.models import RoutingRule
    from wegov.reports.tests.factories import CategoryFactory

    run(tmp_path, collection(TOWN, WEST, EAST))
    category = CategoryFactory()
    RoutingRule.objects.create(
        category=category,
        district=District.objects.get(slug="oost"),
        department=category.department,
    )
    message = fails(tmp_path, collection(TOWN, WEST), "--prune", "--tolerance", "0.5")
    assert "'East' is used by 1 routing rules" in message
    assert RoutingRule.objects.count() == 1


@pytest.mark.django_db
def test_kept_districts_must_not_overlap_the_new_ones(tmp_path):
    run(tmp_path, collection(TOWN, WEST, EAST))
    # The same West under a new slug: the old one would lie on top of it.
    new_west = feature("West End", square(5.0, 52.0, 5.05, 52.1), slug="west")
    message = fails(tmp_path, collection(TOWN, new_west, EAST))
    assert "'West End' (feature 1) and 'West End' (in the database, not in the file)" in message
    assert "Remove the old districts with --prune" in message
    assert not District.objects.filter(slug="west").exists()
    out = run(tmp_path, collection(TOWN, new_west, EAST), "--prune")
    assert "removed: west-end" in out and "created: west" in out
