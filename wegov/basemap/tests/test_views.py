"""Base-map problem pages and exports: who sees what, filing without
JavaScript, the mappers' list, status changes, GeoJSON exports."""

import json

import pytest
from django.urls import reverse

from conftest import ROLES
from wegov.basemap.models import BaseMapFlag, Kind, Status
from wegov.core.models import AuditEntry

from .factories import CENTRE, FlagFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = [*ROLES, "staff", "process_manager"]
MAPPERS = {"staff", "other_staff", "moderator", "admin_user"}


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def expect(response, role, allowed, ok=200):
    if role == "anonymous":
        assert is_login_redirect(response), response.status_code
    elif role in allowed:
        assert response.status_code == ok, (role, response.status_code)
    else:
        assert response.status_code == 403, (role, response.status_code)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def flag(citizen):
    return FlagFactory(
        reporter=citizen, description="The canal path is fenced off.", osm_type="way", osm_id=77
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_page_permissions(as_role, role, flag):
    client, _user = as_role(role)
    expect(client.get(reverse("basemap:new")), role, set(ALL_ROLES))
    expect(client.get(reverse("basemap:mine")), role, set(ALL_ROLES))
    expect(client.get(reverse("basemap:list")), role, MAPPERS)
    expect(client.get(reverse("basemap:export_geojson")), role, MAPPERS)
    expect(client.get(reverse("basemap:export_challenge")), role, MAPPERS)
    expect(client.get(reverse("basemap:detail", args=[flag.pk])), role, MAPPERS | {"citizen"})
    response = client.post(reverse("basemap:status", args=[flag.pk]), {"status": "fixed"})
    expect(response, role, MAPPERS, ok=302)
    flag.refresh_from_db()
    assert (flag.status == Status.FIXED) == (role in MAPPERS)


def test_citizen_files_a_flag_with_typed_coordinates(as_role, city):
    client, _user = as_role("citizen")
    response = client.post(
        reverse("basemap:new"),
        {
            "kind": Kind.WRONG_NAME,
            "description": "The sign says Molenstraat, the map Molenweg.",
            "lat": f"{CENTRE[0]}",
            "lon": f"{CENTRE[1]}",
            "osm_reference": "https://www.openstreetmap.org/way/123",
        },
    )
    flag = BaseMapFlag.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/basemap/{flag.pk}/"
    page = text(client.get(response["Location"]))
    assert "The sign says Molenstraat, the map Molenweg." in page
    assert "Wrong name" in page and "way/123" in page
    # The citizen sees no mappers' tools.
    assert 'id="flag-status"' not in page and 'id="note-text"' not in page
    mine = text(client.get(reverse("basemap:mine")))
    assert f"#{flag.pk}" in mine and "Open" in mine


def test_outside_the_city_is_a_form_error(as_role, city):
    client, _user = as_role("citizen")
    response = client.post(
        reverse("basemap:new"),
        {"kind": Kind.MISSING, "description": "A bench.", "lat": "52.5", "lon": "5.0"},
    )
    assert response.status_code == 400
    assert "outside the city" in text(response)
    assert "govuk-error-summary" in text(response)
    assert not BaseMapFlag.objects.exists()


def test_bad_form_input_says_why(as_role, city):
    client, _user = as_role("citizen")
    response = client.post(
        reverse("basemap:new"),
        {"kind": "", "description": "", "lat": "north", "lon": "", "osm_reference": "street 5"},
    )
    page = text(response)
    assert response.status_code == 400
    assert "Choose what is wrong." in page
    assert "Describe what is wrong or missing." in page
    assert "Enter the latitude as a number" in page
    assert not BaseMapFlag.objects.exists()


def test_the_form_carries_the_map_picker(as_role, city):
    client, _user = as_role("citizen")
    page = text(client.get(reverse("basemap:new")))
    assert 'data-map="picker"' in page
    assert 'data-lat-input="flag-lat"' in page and 'data-lon-input="flag-lon"' in page
    assert "dist/reports.js" in page


def test_other_citizens_do_not_see_someone_elses_flag(as_role, flag):
    client, _user = as_role("other_citizen")
    assert client.get(reverse("basemap:detail", args=[flag.pk])).status_code == 403
    mine = text(client.get(reverse("basemap:mine")))
    assert "The canal path is fenced off." not in mine
    assert "You have not flagged any base-map problem yet." in mine
    assert client.get(reverse("basemap:detail", args=[flag.pk + 100])).status_code == 404


def test_mapper_changes_status_on_the_page_and_it_is_audited(as_role, flag):
    client, user = as_role("staff")
    page = text(client.get(reverse("basemap:detail", args=[flag.pk])))
    assert "The canal path is fenced off." in page
    assert "Anna Citizen" in page  # mappers see who filed it
    assert f"/basemap/{flag.pk}/" in page  # the note text links back
    response = client.post(
        reverse("basemap:status", args=[flag.pk]),
        {"status": Status.SENT, "notes": "OSM note 4711"},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == Status.SENT and flag.status_changed_by == user
    assert AuditEntry.objects.filter(action="basemap.flag_status_changed", actor=user).exists()
    bad = client.post(reverse("basemap:status", args=[flag.pk]), {"status": "gone"})
    assert bad.status_code == 400 and "govuk-error-summary" in text(bad)
    same = client.post(
        reverse("basemap:status", args=[flag.pk]),
        {"status": Status.SENT, "notes": "OSM note 4711"},
    )
    assert same.status_code == 400 and "Nothing changed" in text(same)


def test_list_filters_by_status_and_kind(as_role):
    FlagFactory(kind=Kind.MISSING, description="Missing bench")
    FlagFactory(kind=Kind.BLOCKED, description="Closed path")
    fixed = FlagFactory(kind=Kind.MISSING, description="Fixed tap")
    BaseMapFlag.objects.filter(pk=fixed.pk).update(
        status=Status.FIXED, status_changed_at=fixed.created_at
    )
    client, _user = as_role("moderator")
    page = text(client.get(reverse("basemap:list"), {"status": "open", "kind": "missing"}))
    assert "Missing bench" in page
    assert "Closed path" not in page and "Fixed tap" not in page
    assert "1 flag" in page
    bad = client.get(reverse("basemap:list"), {"status": "lost"})
    assert bad.status_code == 400


def test_list_is_paginated_with_bounded_queries(as_role, django_assert_max_num_queries):
    client, _user = as_role("staff")
    FlagFactory.create_batch(3)
    url = reverse("basemap:list")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    FlagFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert text(response).count('href="/basemap/') >= 25
    assert "43 flags" in text(response)
    page2 = text(client.get(url, {"page": 2}))
    assert page2.count('<tr class="govuk-table__row">') == 19  # 18 rows + the header


def test_geojson_export_is_valid_and_has_no_personal_data(as_role, flag, settings):
    settings.WEGOV_BASE_URL = "https://lindenbrug.example"
    flag.reporter.email = "anna.private@example.org"
    flag.reporter.save()
    done = FlagFactory(description="Already fixed")
    BaseMapFlag.objects.filter(pk=done.pk).update(
        status=Status.FIXED, status_changed_at=done.created_at, staff_notes="Secret note"
    )
    client, _user = as_role("staff")
    response = client.get(reverse("basemap:export_geojson"))
    assert response["Content-Type"] == "application/geo+json"
    body = response.content.decode()
    data = json.loads(body)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 1  # open flags only
    feature = data["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [CENTRE[1], CENTRE[0]]}
    props = feature["properties"]
    assert props["id"] == f"wegov-basemap-{flag.pk}"
    assert props["name"] == f"Missing feature (a bench, a path, a building…) #{flag.pk}"
    assert props["osm_type"] == "way" and props["osm_id"] == 77
    assert f"https://lindenbrug.example/basemap/{flag.pk}/" in props["note_text"]
    assert "The canal path is fenced off." in props["instruction"]
    for private in ("Anna", "anna.private", "Secret note", "reporter", "notes"):
        assert private not in body


def test_challenge_export_is_line_by_line_geojson(as_role):
    flags = FlagFactory.create_batch(3)
    client, _user = as_role("admin_user")
    response = client.get(reverse("basemap:export_challenge"))
    assert response["Content-Type"] == "application/geo+json-seq"
    body = b"".join(response.streaming_content).decode()
    lines = body.split("\n")[:-1]  # every record ends with a newline
    assert len(lines) == 3
    for line, flag in zip(lines, flags, strict=True):
        assert line.startswith("\x1e")
        task = json.loads(line[1:])
        assert task["type"] == "FeatureCollection" and len(task["features"]) == 1
        props = task["features"][0]["properties"]
        assert props["id"] == f"wegov-basemap-{flag.pk}"
        assert props["name"] and props["instruction"]
