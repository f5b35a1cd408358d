import csv
import io
import json

import pytest
from django.urls import reverse

from conftest import ROLES
from wegov.core.models import AuditEntry
from wegov.opendata import registry, services, writer
from wegov.opendata.models import OpenDataSettings


@pytest.fixture
def exported(world):
    services.export_all()
    return world


def test_index_lists_every_dataset_with_links_sizes_and_licence(client, exported):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for dataset in registry.datasets():
        assert f'id="dataset-{dataset.slug}"' in html
        for fmt in registry.FORMATS:
            assert f'href="/opendata/{dataset.slug}.{fmt}"' in html
    assert "Creative Commons Attribution 4.0 International" in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert "Last generated" in html
    assert 'href="/opendata/catalog.jsonld"' in html


def test_index_before_any_export_says_so(client, db):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    assert response.content.decode().count("data-not-generated") == len(registry.slugs())
    assert "/opendata/reports.csv" not in response.content.decode()


def test_index_queries_are_bounded(client, exported, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(reverse("opendata:index")).status_code == 200


@pytest.mark.parametrize(
    "fmt,content_type",
    [("csv", "text/csv; charset=utf-8"), ("geojson", "application/geo+json"),
     ("json", "application/json")],
)  # fmt: skip
def test_anyone_downloads_with_the_right_content_type(client, exported, fmt, content_type):
    response = client.get(reverse("opendata:download", args=["reports", fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert 'filename="reports.' + fmt in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body == writer.file_path("reports", fmt).read_bytes()
    assert int(response["Content-Length"]) == len(body)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        assert len(rows) == 2
    else:
        json.loads(body)


def test_download_404s(client, exported):
    assert client.get("/opendata/nope.csv").status_code == 404
    assert client.get("/opendata/reports.xml").status_code == 404


def test_download_404_before_first_export(client, db):
    assert client.get(reverse("opendata:download", args=["reports", "csv"])).status_code == 404


# --- staff page and regeneration: the permission matrix -------------------------

ALLOWED = {"other_staff", "admin_user"}


@pytest.mark.parametrize("role", ROLES)
def test_manage_link_only_for_staff_and_admins(as_role, role, world):
    client, _user = as_role(role)
    html = client.get(reverse("opendata:index")).content.decode()
    assert ('id="manage-link"' in html) == (role in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
def test_staff_page_matrix(as_role, role, world):
    client, _user = as_role(role)
    response = client.get(reverse("opendata:manage"))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == 200
        assert "Regenerate now" in response.content.decode()
        # Only administrators get the licence form.
        assert ('id="settings-form"' in response.content.decode()) == (role == "admin_user")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_regenerate_matrix(as_role, role, world):
    client, _user = as_role(role)
    response = client.post(reverse("opendata:regenerate"), {"dataset": "reports"})
    made = writer.file_path("reports", "csv").is_file()
    if role in ALLOWED:
        assert response.status_code == 302 and response["Location"] == "/opendata/manage/"
        assert made
        assert AuditEntry.objects.filter(action="opendata.regenerate").count() == 1
    else:
        assert response.status_code in (302, 403)
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
        assert not made
        assert not AuditEntry.objects.filter(action="opendata.regenerate").exists()


def test_regenerate_all_and_unknown_dataset(as_role, world):
    client, _user = as_role("admin_user")
    response = client.post(reverse("opendata:regenerate"), {"dataset": ""}, follow=True)
    assert "Regeneration of every dataset has started." in response.content.decode()
    assert all(writer.file_path(s, "json").is_file() for s in registry.slugs())
    response = client.post(reverse("opendata:regenerate"), {"dataset": "nope"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_regenerate_needs_post(as_role, world):
    client, _user = as_role("admin_user")
    assert client.get(reverse("opendata:regenerate")).status_code == 405


def test_staff_page_shows_a_failed_export(as_role, world, monkeypatch):
    import dataclasses

    dataset = registry.get("debates")

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setitem(registry._datasets, "debates", dataclasses.replace(dataset, rows=broken))
    services.export_dataset("debates")
    client, _user = as_role("other_staff")
    html = client.get(reverse("opendata:manage")).content.decode()
    assert "RuntimeError: disk full" in html


@pytest.mark.parametrize("role", ROLES)
def test_settings_matrix(as_role, role, world, django_capture_on_commit_callbacks):
    client, _user = as_role(role)
    data = {
        "settings-licence": "ODbL-1.0",
        "settings-publisher_name": "City of Lindenbrug",
        "settings-contact_name": "Open data team",
        "settings-contact_email": "data@lindenbrug.example",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("opendata:settings"), data)
    od = OpenDataSettings.load()
    if role == "admin_user":
        assert response.status_code == 302
        assert od.licence == "ODbL-1.0" and od.publisher_name == "City of Lindenbrug"
        entry = AuditEntry.objects.get(action="opendata.settings_changed")
        assert entry.before["licence"] == "CC-BY-4.0" and entry.after["licence"] == "ODbL-1.0"
        # The files name the new licence.
        doc = json.loads(writer.file_path("reports", "json").read_text())
        assert doc["licence"]["id"] == "ODbL-1.0"
    else:
        assert response.status_code in (302, 403)
        assert od.licence == "CC-BY-4.0"


def test_settings_form_errors(as_role, world):
    client, _user = as_role("admin_user")
    response = client.post(
        reverse("opendata:settings"),
        {"settings-licence": "MIT", "settings-publisher_name": "",
         "settings-contact_name": "x", "settings-contact_email": "not-an-email"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an email address like opendata@example.org." in html
    assert "Enter the publisher&#x27;s name." in html or "Enter the publisher's name." in html
    assert OpenDataSettings.load().licence == "CC-BY-4.0"


def test_settings_defaults(db, settings):
    od = OpenDataSettings.load()
    assert od.licence == "CC-BY-4.0"
    assert od.publisher_name == settings.WEGOV_CITY_NAME
    assert od.contact_email == settings.WEGOV_CONTACT_EMAIL


# --- API -------------------------------------------------------------------------


def test_api_lists_datasets_with_links(client, exported, settings, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/opendata/datasets")
    assert response.status_code == 200
    data = response.json()
    assert [d["slug"] for d in data["datasets"]] == registry.slugs()
    reports = data["datasets"][0]
    assert reports["rows"] == 2
    assert reports["licence"]["id"] == "CC-BY-4.0"
    urls = {d["format"]: d["url"] for d in reports["distributions"]}
    assert urls["csv"] == settings.WEGOV_BASE_URL.rstrip("/") + "/opendata/reports.csv"
    assert all(d["bytes"] > 0 for d in reports["distributions"])
    assert "http://publications.europa.eu/resource/authority/data-theme/GOVE" in reports["themes"]
    assert client.get("/api/v1/opendata/datasets/proposals").json()["rows"] == 1
    assert client.get("/api/v1/opendata/datasets/nope").status_code == 404


def test_api_is_documented_in_openapi(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/opendata/datasets" in schema["paths"]
    assert "/api/v1/opendata/datasets/{slug}" in schema["paths"]
