import csv
import json

import pytest
from django.core.management import CommandError, call_command

from wegov.opendata import registry, services, tasks, writer
from wegov.opendata.models import DatasetExport
from wegov.reports.tests.factories import ReportFactory

from .conftest import HIDDEN_TITLE, UNPUBLISHED_TITLE


def read(slug, fmt):
    return writer.file_path(slug, fmt).read_text(encoding="utf-8")


def csv_rows(slug):
    with writer.file_path(slug, "csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_dataset_is_written_in_every_format(world):
    outcomes = services.export_all()
    assert {o.slug for o in outcomes} == set(registry.slugs())
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    for slug in registry.slugs():
        for fmt in registry.FORMATS:
            assert writer.file_path(slug, fmt).is_file()
        export = DatasetExport.objects.get(slug=slug)
        assert export.generated_at is not None
        assert set(export.sizes) == {"csv", "geojson", "json"}
        assert export.sizes["csv"] == writer.file_path(slug, "csv").stat().st_size


def test_no_personal_data_in_any_file(world):
    services.export_all()
    texts = [writer.file_path(s, f).read_text() for s in registry.slugs() for f in registry.FORMATS]
    assert len(texts) == 3 * len(registry.slugs())
    for secret in world.secrets:
        for text in texts:
            assert secret.lower() not in text.lower(), secret
    # Typed into a description: redacted.
    report = next(r for r in csv_rows("reports") if r["title"] == "Street light flickering")
    assert "06 1234 5678" not in report["description"]
    assert "me@example.org" not in report["description"]
    assert "[phone number removed]" in report["description"]
    # No column names a person.
    for slug in registry.slugs():
        header = read(slug, "csv").splitlines()[0].split(",")
        for column in header:
            assert not any(w in column for w in ("author", "reporter", "email", "phone", "user"))


def test_hidden_and_unpublished_items_are_left_out(world):
    services.export_all()
    reports = {int(r["id"]) for r in csv_rows("reports")}
    assert reports == {world.reports["public"].pk, world.reports["anonymous"].pk}
    assert {int(r["id"]) for r in csv_rows("proposals")} == {world.proposals["public"].pk}
    assert {int(r["id"]) for r in csv_rows("debates")} == {world.debates["public"].pk}
    assert [r["slug"] for r in csv_rows("processes")] == ["greener"]
    counts = {(r["kind"], int(r["id"])): r for r in csv_rows("comment-counts")}
    assert set(counts) == {
        ("proposal", world.proposals["public"].pk),
        ("debate", world.debates["public"].pk),
    }
    # Hidden and deleted comments are not counted.
    proposal = counts[("proposal", world.proposals["public"].pk)]
    assert (proposal["comments"], proposal["for"], proposal["against"]) == ("2", "1", "1")
    assert proposal["upvotes"] == "3"
    for slug in registry.slugs():
        text = read(slug, "json")
        assert HIDDEN_TITLE not in text and UNPUBLISHED_TITLE not in text


def test_anonymous_reports_have_an_approximate_place_and_no_address(world):
    services.export_all()
    rows = {int(r["id"]): r for r in csv_rows("reports")}
    anonymous = rows[world.reports["anonymous"].pk]
    assert (anonymous["lat"], anonymous["lon"]) == ("52.159", "5.391")
    assert anonymous["location_precision"] == "approximate"
    assert anonymous["address"] == ""
    named = rows[world.reports["public"].pk]
    assert (named["lat"], named["lon"]) == ("52.1561234", "5.3878765")
    assert named["address"] == "Kerkstraat 1"
    geo = json.loads(read("reports", "geojson"))
    feature = next(f for f in geo["features"] if f["id"] == world.reports["anonymous"].pk)
    assert feature["geometry"]["coordinates"] == [5.391, 52.159]


def test_text_is_plain_and_formulas_are_defused_in_csv(world):
    services.export_all()
    rows = {int(r["id"]): r for r in csv_rows("reports")}
    assert "<b>" not in rows[world.reports["public"].pk]["description"]
    assert rows[world.reports["public"].pk]["description"].endswith("now")
    assert rows[world.reports["anonymous"].pk]["title"].startswith("'=HYPERLINK")
    # JSON keeps the text itself.
    data = json.loads(read("reports", "json"))
    row = next(r for r in data["rows"] if r["id"] == world.reports["anonymous"].pk)
    assert row["title"].startswith("=HYPERLINK")
    processes = json.loads(read("processes", "json"))["rows"]
    assert processes[0]["description"] == "Tell us what you would change."


def test_csv_parses_with_the_declared_columns(world):
    services.export_all()
    for dataset in registry.datasets():
        with writer.file_path(dataset.slug, "csv").open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert rows[0] == dataset.field_names
        assert all(len(r) == len(dataset.fields) for r in rows[1:])
        assert len(rows) - 1 == DatasetExport.objects.get(slug=dataset.slug).rows


def test_geojson_is_a_valid_feature_collection(world):
    services.export_all()
    for dataset in registry.datasets():
        doc = json.loads(read(dataset.slug, "geojson"))
        assert doc["type"] == "FeatureCollection"
        assert doc["metadata"]["licence"]["id"] == "CC-BY-4.0"
        for feature in doc["features"]:
            assert feature["type"] == "Feature"
            assert set(feature["properties"]) == set(dataset.field_names)
            geometry = feature["geometry"]
            if geometry is not None:
                assert geometry["type"] in {"Point", "Polygon", "MultiPolygon"}
                if geometry["type"] == "Point":
                    lon, lat = geometry["coordinates"]
                    assert -180 <= lon <= 180 and -90 <= lat <= 90
    reports = json.loads(read("reports", "geojson"))["features"]
    assert all(f["geometry"]["type"] == "Point" for f in reports)
    process = json.loads(read("processes", "geojson"))["features"][0]
    assert process["geometry"]["type"] == "Polygon"  # the city's boundary
    assert [p["kind"] for p in process["properties"]["phases"]] == [
        "information",
        "proposals",
        "implementation",
    ]


def test_json_is_valid_with_fields_and_row_count(world):
    services.export_all()
    for dataset in registry.datasets():
        doc = json.loads(read(dataset.slug, "json"))
        assert doc["dataset"] == dataset.slug
        assert [f["name"] for f in doc["fields"]] == dataset.field_names
        assert doc["row_count"] == len(doc["rows"])
        assert doc["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"


def test_accountability_counts_by_status_and_medians(world):
    # Rows are per year in the city: in the first days of January the world's two reports
    # (made now and three days ago) would fall in two years. Make them of one day.
    public, anonymous = world.reports["public"], world.reports["anonymous"]
    public.refresh_from_db()
    type(anonymous).objects.filter(pk=anonymous.pk).update(created_at=public.created_at)
    services.export_all()
    rows = [r for r in csv_rows("report-accountability") if r["dimension"] == "category"]
    assert len(rows) == 1
    row = rows[0]
    assert row["code"] == "street-light"
    assert (row["reports"], row["resolved"], row["submitted"], row["open"]) == ("2", "1", "1", "1")
    assert float(row["median_days_to_acknowledge"]) == pytest.approx(1.0, abs=0.01)
    assert float(row["median_days_to_resolve"]) == pytest.approx(2.0, abs=0.01)
    assert row["closed_within_target"] == "1.0"
    assert {r["dimension"] for r in csv_rows("report-accountability")} == {
        "category",
        "department",
        "district",
    }


def test_a_failed_export_keeps_the_previous_good_file(world, monkeypatch):
    assert services.export_dataset("reports").ok
    before = {fmt: writer.file_path("reports", fmt).read_bytes() for fmt in registry.FORMATS}
    good = DatasetExport.objects.get(slug="reports")
    ReportFactory(title="Added after the good export")

    dataset = registry.get("reports")

    def broken_rows():
        yield from dataset.rows()
        raise RuntimeError("database went away")

    monkeypatch.setitem(registry._datasets, "reports", _replace(dataset, rows=broken_rows))
    outcome = services.export_dataset("reports")
    assert not outcome.ok and "database went away" in outcome.error
    for fmt in registry.FORMATS:
        assert writer.file_path("reports", fmt).read_bytes() == before[fmt]
    assert not [p for p in writer.export_dir().iterdir() if p.name.startswith(".")]
    export = DatasetExport.objects.get(slug="reports")
    assert export.generated_at == good.generated_at and export.rows == good.rows
    assert export.failed_since_last_success and "database went away" in export.last_error


def _replace(dataset, **changes):
    import dataclasses

    return dataclasses.replace(dataset, **changes)


@pytest.mark.parametrize("slug", ["reports", "proposals", "debates", "processes",
                                  "comment-counts", "report-accountability"])  # fmt: skip
def test_export_queries_are_bounded(db, city, slug, django_assert_max_num_queries):
    from wegov.comments.tests.factories import CommentFactory
    from wegov.debates.tests.factories import DebateFactory
    from wegov.processes.tests.factories import ProcessFactory
    from wegov.proposals.tests.factories import ProposalFactory
    from wegov.reports.tests.factories import CategoryFactory

    category = CategoryFactory()
    ReportFactory.create_batch(50, category=category, district=city)
    processes = ProcessFactory.create_batch(5)
    proposals = ProposalFactory.create_batch(50, process=processes[0])
    DebateFactory.create_batch(10, process=processes[1])
    for proposal in proposals:
        CommentFactory(target_kind="proposal", target_id=proposal.pk)
    services.export_dataset(slug)  # settings row exists
    # settings, export row (select for update + update), the rows' query(ies)
    with django_assert_max_num_queries(9):
        outcome = services.export_dataset(slug)
    assert outcome.ok and outcome.rows > 0


def test_command_exports_one_dataset_and_refuses_unknown(world, capsys):
    call_command("export_opendata", "--dataset", "debates")
    assert "debates: 1 rows" in capsys.readouterr().out
    assert writer.file_path("debates", "csv").is_file()
    assert not writer.file_path("reports", "csv").exists()
    with pytest.raises(CommandError, match="Unknown dataset nope"):
        call_command("export_opendata", "--dataset", "nope")


def test_command_only_csv(world):
    call_command("export_opendata", "--dataset", "reports", "--format", "csv")
    assert writer.file_path("reports", "csv").is_file()
    assert not writer.file_path("reports", "json").exists()


def test_command_fails_loudly_when_an_export_fails(world, monkeypatch):
    dataset = registry.get("debates")

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(registry._datasets, "debates", _replace(dataset, rows=broken))
    with pytest.raises(CommandError, match="debates"):
        call_command("export_opendata", "--dataset", "debates")


def test_nightly_task_exports_everything(world):
    result = tasks.export_all_datasets.delay().get()
    assert result["reports"] == 2 and result["proposals"] == 1
    assert all(writer.file_path(s, "geojson").is_file() for s in registry.slugs())


def test_registry_refuses_a_second_dataset_with_the_same_slug():
    dataset = registry.get("reports")
    with pytest.raises(ValueError):
        registry.register(_replace(dataset, title="Other"))
    with pytest.raises(ValueError):
        _replace(dataset, themes=("NOPE",))
    with pytest.raises(ValueError):
        registry.Field("x", "weird", "")
