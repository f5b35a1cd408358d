import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import ROLES
from wegov.core.models import AuditEntry
from wegov.datalayers import services
from wegov.datalayers.models import DataLayer

from .conftest import CSV_OK, geojson_bytes

URL = "https://data.example.org/stops.geojson"


@pytest.fixture
def layer(admin_user):
    return services.layer_create(
        actor=admin_user,
        upload=SimpleUploadedFile("benches.csv", CSV_OK),
        name="Benches",
        slug="benches",
        licence="CC BY 4.0",
        attribution="Gemeente Lindenbrug",
    )


def form_data(**overrides):
    data = {
        "name": "Bus stops",
        "slug": "",
        "description": "",
        "licence": "CC0",
        "attribution": "Lindenbrug Transport",
        "source_url": "",
        "data_url": "",
        "format": "auto",
        "lat_column": "",
        "lon_column": "",
        "name_column": "",
        "key_column": "",
        "refresh_minutes": "0",
        "is_public": "on",
    }
    data.update(overrides)
    return data


PAGES = [
    ("get", "datalayers:staff_list", False),
    ("get", "datalayers:staff_create", False),
    ("get", "datalayers:staff_detail", True),
    ("get", "datalayers:staff_edit", True),
    ("get", "datalayers:staff_delete", True),
    ("post", "datalayers:staff_refresh", True),
]
EXPECTED = {"anonymous": 302, "admin_user": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "name", "with_slug"), PAGES)
def test_staff_pages_permission_matrix(as_role, layer, role, method, name, with_slug):
    client, _user = as_role(role)
    url = reverse(name, args=[layer.slug] if with_slug else [])
    response = getattr(client, method)(url)
    expected = EXPECTED.get(role, 403)
    if method == "post" and role == "admin_user":
        expected = 302  # refresh, then back to the layer's page
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 403:
        assert DataLayer.objects.get().last_attempt_at == layer.last_attempt_at


def test_list_shows_status_with_bounded_queries(
    as_role, layer, admin_user, django_assert_max_num_queries
):
    client, _ = as_role("admin_user")
    broken = services.layer_create(
        actor=admin_user,
        upload=SimpleUploadedFile("b.csv", CSV_OK),
        name="Broken",
        slug="broken",
        licence="CC0",
        attribution="X",
    )
    # The stored file goes bad: the refresh fails, the list says so.
    with broken.upload.open("wb") as handle:
        handle.write(b"lat,lon\n52.1,east\n")
    services.layer_refresh(actor=admin_user, layer=broken)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("datalayers:staff_list")).content.decode()
    assert "Benches" in page and "Broken" in page
    assert "2 layers" in page
    assert "Last refresh failed" in page
    assert "Line 2: the longitude “east” is not a number." in page


def test_create_from_an_upload_then_see_it(as_role):
    client, _ = as_role("admin_user")
    data = form_data(upload=SimpleUploadedFile("stops.csv", CSV_OK))
    response = client.post(reverse("datalayers:staff_create"), data)
    assert response.status_code == 302
    layer = DataLayer.objects.get()
    assert (layer.slug, layer.feature_count) == ("bus-stops", 3)
    assert response["Location"] == reverse("datalayers:staff_detail", args=["bus-stops"])
    page = client.get(response["Location"]).content.decode()
    assert "Layer “Bus stops” added with 3 features." in page
    assert 'id="feature-count">3<' in page


def test_a_malformed_upload_shows_the_line_and_saves_nothing(as_role):
    client, _ = as_role("admin_user")
    bad = b"name,lat,lon\nA,52.1,5.3\nB,152.1,5.3\n"
    data = form_data(upload=SimpleUploadedFile("stops.csv", bad))
    response = client.post(reverse("datalayers:staff_create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Line 3: the latitude 152.1 is out of range (-90 to 90)." in page
    assert not DataLayer.objects.exists()


def test_form_refusals(as_role, opener):
    client, _ = as_role("admin_user")
    page = client.post(reverse("datalayers:staff_create"), form_data()).content.decode()
    assert "Upload a file or give the URL of the data." in page
    both = form_data(upload=SimpleUploadedFile("s.csv", CSV_OK), data_url=URL)
    page = client.post(reverse("datalayers:staff_create"), both).content.decode()
    assert "Give either a file or a URL, not both." in page
    scheduled = form_data(upload=SimpleUploadedFile("s.csv", CSV_OK), refresh_minutes="60")
    page = client.post(reverse("datalayers:staff_create"), scheduled).content.decode()
    assert "Only a layer read from a URL can be refreshed on a schedule." in page
    assert not DataLayer.objects.exists() and opener.requests == []


def test_create_from_a_url_and_refresh_now_failure_shows_the_error(as_role, opener):
    client, _ = as_role("admin_user")
    opener.responses[URL] = geojson_bytes([("s1", "Markt", 52.1561, 5.3878)])
    response = client.post(
        reverse("datalayers:staff_create"),
        form_data(data_url=URL, refresh_minutes="1440", slug="stops"),
    )
    assert response.status_code == 302
    opener.responses[URL] = b"<html>Maintenance</html>"
    response = client.post(reverse("datalayers:staff_refresh", args=["stops"]), follow=True)
    page = response.content.decode()
    assert "The refresh failed; the last good copy is kept." in page
    assert 'id="last-error"' in page and "not valid JSON" not in page  # it is not JSON: CSV
    assert "Line 1: no latitude column found" in page
    assert 'id="feature-count">1<' in page


def test_edit_and_delete(as_role, layer):
    client, _ = as_role("admin_user")
    data = form_data(name="Park benches", slug="benches", is_public="")
    response = client.post(reverse("datalayers:staff_edit", args=["benches"]), data)
    assert response.status_code == 302
    layer.refresh_from_db()
    assert (layer.name, layer.is_public, layer.feature_count) == ("Park benches", False, 3)
    response = client.post(reverse("datalayers:staff_delete", args=["benches"]))
    assert response["Location"] == reverse("datalayers:staff_list")
    assert not DataLayer.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="datalayers.").values_list("action", flat=True)
    ) == ["datalayers.layer_deleted", "datalayers.layer_updated", "datalayers.layer_created"]


def test_edit_with_a_bad_new_file_keeps_the_layer(as_role, layer):
    client, _ = as_role("admin_user")
    data = form_data(
        name="Benches", slug="benches", upload=SimpleUploadedFile("x.geojson", b"{nope")
    )
    response = client.post(reverse("datalayers:staff_edit", args=["benches"]), data)
    assert response.status_code == 400
    assert "not valid JSON at line 1, column 2" in response.content.decode()
    layer.refresh_from_db()
    assert layer.feature_count == 3 and layer.upload.name.endswith("benches.csv")
