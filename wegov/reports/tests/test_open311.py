"""Open311 GeoReport v2 at /open311/v2/: every JSON answer is checked against
the GeoReport v2 JSON Schemas (copied to open311_schemas/ from the spec's
repository), every XML answer is parsed and its structure checked."""

import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from jsonschema import Draft4Validator, FormatChecker
from PIL import Image
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from wegov.accounts.tests.factories import UserFactory
from wegov.reports import cache as data_cache
from wegov.reports import services
from wegov.reports.models import (
    Channel,
    Open311Client,
    Report,
    ReportAttributeValue,
    ReportPhoto,
    ServiceAttribute,
    Status,
)
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SCHEMAS = Path(__file__).parent / "open311_schemas"
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")

# --- Schemas ----------------------------------------------------------------------

_registry = Registry().with_resources(
    (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4))
    for path in SCHEMAS.glob("*.json")
)
# The spec defines no schema for these three documents: written from its text.
ERRORS_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
POST_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "service_notice": {"type": ["string", "null"]},
            "account_id": {"type": ["string", "null"]},
        },
    },
}
TOKEN_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
}
DISCOVERY_SCHEMA = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def validate(data, schema):
    if isinstance(schema, str):
        schema = json.loads((SCHEMAS / schema).read_text())
    validator = Draft4Validator(schema, registry=_registry, format_checker=FormatChecker())
    errors = list(validator.iter_errors(data))
    assert not errors, [e.message for e in errors]


def check_dates(item):
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        if item.get(name) is not None:
            assert W3C.match(item[name]), item[name]


# --- Helpers ----------------------------------------------------------------------


def get_json(client, path, expect=200, **params):
    response = client.get(BASE + path, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content.decode("utf-8"))
    if expect >= 400:
        validate(data, ERRORS_SCHEMA)
        assert all(error["code"] == expect for error in data)
    return data


def parse_xml(response, root):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ET.fromstring(response.content)  # noqa: S314 (our own answer)
    assert element.tag == root
    return element


def get_xml(client, path, root, expect=200, **params):
    response = client.get(BASE + path, params)
    assert response.status_code == expect, response.content
    return parse_xml(response, root)


def xml_errors(element, status):
    errors = element.findall("error")
    assert errors and all(e.findtext("code") == str(status) for e in errors)
    assert all(e.findtext("description") for e in errors)
    return [e.findtext("description") for e in errors]


def get_requests(client, expect=200, **params):
    data = get_json(client, "/requests.json", expect, **params)
    if expect == 200:
        validate(data, "requests.json")
        for item in data:
            check_dates(item)
    return data


def ids(data):
    return [item["service_request_id"] for item in data]


@pytest.fixture
def category(department):
    return CategoryFactory(
        department=department,
        name="Pothole",
        service_code="pothole",
        description="A hole in the road or pavement.",
        group="Streets",
        keywords="road, pavement, hole",
        sla_hours=72,
    )


@pytest.fixture
def all_types(category):
    """One attribute of each of the six Open311 datatypes, and an information-only one."""
    specs = [
        ("depth", "number", True, []),
        ("seen", "datetime", False, []),
        ("street", "string", False, []),
        ("details", "text", False, []),
        ("size", "singlevaluelist", True, [("s", "Small"), ("l", "Large")]),
        ("hazards", "multivaluelist", False, [("water", "Water"), ("traffic", "Traffic")]),
    ]
    for order, (code, datatype, required, values) in enumerate(specs, 1):
        ServiceAttribute.objects.create(
            category=category,
            code=code,
            description=f"About {code}?",
            datatype=datatype,
            required=required,
            order=order,
            datatype_description="Centimetres" if datatype == "number" else "",
            values=[{"key": k, "name": n} for k, n in values],
        )
    ServiceAttribute.objects.create(
        category=category,
        code="note",
        description="Emergencies: call 112.",
        datatype="text",
        variable=False,
        order=99,
    )
    return category


@pytest.fixture
def api_client(db):
    client, key = services.open311_client_create(
        actor=None, name="Fix-it app", requests_per_hour=100
    )
    client.key = key
    return client


def post_data(key, **extra):
    data = {
        "api_key": key,
        "service_code": "pothole",
        "lat": str(CENTRE[0]),
        "long": str(CENTRE[1]),
        "description": "A deep hole\nnear the bakery",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def report_at(days_ago: float, **kw) -> Report:
    report = ReportFactory(**kw)
    when = timezone.now() - dt.timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(created_at=when)
    report.refresh_from_db()
    return report


# --- Discovery --------------------------------------------------------------------


def test_discovery_in_json_and_xml(client, settings):
    settings.WEGOV_BASE_URL = "https://participate.example.org"
    data = get_json(client, "/discovery.json")
    validate(data, DISCOVERY_SCHEMA)
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://participate.example.org/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert settings.WEGOV_CONTACT_EMAIL in data["contact"]

    root = get_xml(client, "/discovery.xml", "discovery")
    assert root.findtext("changeset") == data["changeset"]
    assert root.findtext("key_service")
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "https://participate.example.org/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]


# --- Services ---------------------------------------------------------------------


def test_service_list(client, all_types, department):
    plain = CategoryFactory(department=department, name="Graffiti", service_code="graffiti")
    CategoryFactory(department=department, service_code="retired", is_active=False)
    data = get_json(client, "/services.json")
    validate(data, "services.json")
    by_code = {s["service_code"]: s for s in data}
    assert set(by_code) == {"pothole", "graffiti"}
    assert by_code["pothole"] == {
        "service_code": "pothole",
        "service_name": "Pothole",
        "description": "A hole in the road or pavement.",
        "metadata": True,
        "type": "realtime",
        "keywords": "road, pavement, hole",
        "group": "Streets",
    }
    assert by_code[plain.service_code]["metadata"] is False

    root = get_xml(client, "/services.xml", "services")
    services_xml = {s.findtext("service_code"): s for s in root.findall("service")}
    assert set(services_xml) == {"pothole", "graffiti"}
    pothole = services_xml["pothole"]
    assert pothole.findtext("service_name") == "Pothole"
    assert pothole.findtext("metadata") == "true"
    assert pothole.findtext("type") == "realtime"
    assert pothole.findtext("group") == "Streets"
    assert services_xml["graffiti"].findtext("metadata") == "false"


def test_service_definition_has_every_datatype(client, all_types):
    data = get_json(client, "/services/pothole.json")
    validate(data, "service-definition.json")
    assert data["service_code"] == "pothole"
    attributes = {a["code"]: a for a in data["attributes"]}
    assert {a["datatype"] for a in data["attributes"]} == {
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    }
    assert [a["order"] for a in data["attributes"]] == list(range(1, 8))
    assert attributes["depth"]["required"] is True
    assert attributes["depth"]["datatype_description"] == "Centimetres"
    assert attributes["note"]["variable"] is False
    assert attributes["size"]["values"] == [
        {"key": "s", "name": "Small"},
        {"key": "l", "name": "Large"},
    ]
    assert "values" not in attributes["depth"]

    root = get_xml(client, "/services/pothole.xml", "service_definition")
    assert root.findtext("service_code") == "pothole"
    xml_attributes = root.findall("attributes/attribute")
    assert len(xml_attributes) == 7
    size = next(a for a in xml_attributes if a.findtext("code") == "size")
    assert size.findtext("variable") == "true"
    assert size.findtext("datatype") == "singlevaluelist"
    assert size.findtext("required") == "true"
    assert size.findtext("order") == "5"
    assert size.findtext("description") == "About size?"
    assert [(v.findtext("key"), v.findtext("name")) for v in size.findall("values/value")] == [
        ("s", "Small"),
        ("l", "Large"),
    ]


def test_unknown_service_is_404_in_both_formats(client, category):
    data = get_json(client, "/services/nope.json", 404)
    assert "nope" in data[0]["description"]
    root = get_xml(client, "/services/nope.xml", "errors", 404)
    assert "nope" in xml_errors(root, 404)[0]


def test_jurisdiction_id(client, category, settings):
    settings.WEGOV_OPEN311_JURISDICTION = "lindenbrug.example"
    assert get_json(client, "/services.json", jurisdiction_id="lindenbrug.example")
    assert get_json(client, "/services.json", jurisdiction_id="")  # empty = not given
    data = get_json(client, "/services.json", 404, jurisdiction_id="sfgov.org")
    assert "sfgov.org" in data[0]["description"]
    root = get_xml(client, "/requests.xml", "errors", 404, jurisdiction_id="sfgov.org")
    assert "lindenbrug.example" in xml_errors(root, 404)[0]


def test_jurisdiction_default_is_the_base_url_host():
    from urllib.parse import urlsplit

    from django.conf import settings

    host = urlsplit(settings.WEGOV_BASE_URL).hostname
    assert host.removeprefix("www.") == settings.WEGOV_OPEN311_JURISDICTION


# --- POST requests ------------------------------------------------------------------


def test_post_creates_the_same_report_as_the_site(client, city, category, api_client):
    csrf_client = Client(enforce_csrf_checks=True)  # api_key, not cookies
    response = post(
        csrf_client,
        **post_data(
            api_client.key,
            email="reporter@example.org",
            first_name="Rita",
            last_name="Reporter",
            phone="+31 6 1234 5678",
            device_id="device-42",
            account_id="acct-7",
            address_string="Marktstraat 1",
            media_url="https://photos.example.org/1.jpg",
        ),
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    validate(data, POST_SCHEMA)
    report = Report.objects.get(pk=int(data[0]["service_request_id"]))
    assert data[0]["account_id"] == "acct-7"
    assert "72 hours" in data[0]["service_notice"]
    assert report.channel == Channel.API and report.api_client == api_client
    assert report.title == "A deep hole"
    assert report.description == "A deep hole\nnear the bakery"
    assert report.address == "Marktstraat 1"
    assert report.reporter_email == "reporter@example.org"
    assert report.reporter_name == "Rita Reporter"
    assert report.reporter_phone == "+31 6 1234 5678"
    assert (report.device_id, report.account_id) == ("device-42", "acct-7")
    assert report.media_url == "https://photos.example.org/1.jpg"
    assert report.district == city and report.is_anonymous
    assert report.subscriptions.get().email == "reporter@example.org"
    # It is a report like any other: its page on the site shows it.
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    assert "A deep hole" in page.content.decode()
    # And it can be read back.
    (item,) = get_json(client, f"/requests/{report.pk}.json")
    assert item["status"] == "open" and item["service_code"] == "pothole"
    assert item["address"] == "Marktstraat 1"


def test_post_in_xml_and_without_optional_fields(client, city, category, api_client):
    response = post(client, "xml", **post_data(api_client.key, description="Loose tile"))
    assert response.status_code == 200, response.content
    root = parse_xml(response, "service_requests")
    (request,) = root.findall("request")
    report = Report.objects.get(pk=int(request.findtext("service_request_id")))
    assert request.find("account_id") is not None and request.findtext("account_id") == ""
    assert request.findtext("service_notice")
    assert report.title == "Loose tile" and report.reporter_email == ""
    assert not report.subscriptions.exists()


def test_title_falls_back_to_the_service_name(city, category, api_client, client):
    description = "\n\n  " + "x" * 300
    response = post(client, **post_data(api_client.key, description=description))
    report = Report.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert report.title == "x" * 120


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("key", "fragment"),
    [(None, "required"), ("", "required"), ("wg311_wrong", "Invalid"), ("inactive", "Invalid")],
)
def test_post_needs_a_valid_active_key(client, city, category, api_client, fmt, key, fragment):
    if key == "inactive":
        services.open311_client_deactivate(actor=None, client=api_client)
        key = api_client.key
    response = post(client, fmt, **post_data(key))
    assert response.status_code == 403
    if fmt == "json":
        data = response.json()
        validate(data, ERRORS_SCHEMA)
        assert data[0]["code"] == 403 and fragment in data[0]["description"]
    else:
        assert fragment in xml_errors(parse_xml(response, "errors"), 403)[0]
    assert not Report.objects.exists()


def test_key_in_the_query_string_is_accepted(client, city, category, api_client):
    """Some clients (python-open311) send api_key and jurisdiction_id in the URL."""
    data = post_data(None)
    response = client.post(f"{BASE}/requests.json?api_key={api_client.key}", data)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("data", "status", "fragment"),
    [
        ({"service_code": None}, 400, "service_code was not provided"),
        ({"service_code": "unknown"}, 404, "service_code unknown was not found"),
        ({"lat": None, "long": None}, 400, "location is required"),
        (
            {"lat": None, "long": None, "address_string": "Marktstraat 1"},
            400,
            "send the location as lat and long",
        ),
        ({"lat": None, "long": None, "address_id": "A-1"}, 400, "lat and long"),
        ({"long": None}, 400, "lat and long must both be sent"),
        ({"lat": "north"}, 400, "decimal degrees"),
        ({"lat": "nan"}, 400, "decimal degrees"),
        ({"lat": "52.5", "long": "5.0"}, 400, "outside the city"),
        ({"lat": "95", "long": "5.0"}, 400, "not a valid location"),
        ({"description": ""}, 400, "description: Describe the problem"),
        ({"description": "x" * 4001}, 400, "at most 4000 characters"),
        ({"email": "not-an-email"}, 400, "email is not a valid"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"jurisdiction_id": "elsewhere.example"}, 404, "elsewhere.example"),
    ],
)
def test_post_errors(client, city, category, api_client, data, status, fragment):
    for fmt in ("json", "xml"):
        response = post(client, fmt, **post_data(api_client.key, **data))
        assert response.status_code == status, response.content
        if fmt == "json":
            errors = response.json()
            validate(errors, ERRORS_SCHEMA)
            descriptions = [e["description"] for e in errors]
        else:
            descriptions = xml_errors(parse_xml(response, "errors"), status)
        assert any(fragment in d for d in descriptions), descriptions
    assert not Report.objects.exists()


def test_an_address_instead_of_a_point_is_placed_by_the_city_geocoder(
    client, city, category, api_client, tmp_path
):
    from wegov.osm import services as osm_services
    from wegov.osm.tests.conftest import ADDRESS_14, small_extract

    osm_services.osm_import(path=small_extract().save(tmp_path / "small.osm"))
    response = post(
        client, **post_data(api_client.key, lat=None, long=None, address_string="Kerkstraat 14")
    )
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert (report.lat, report.lon) == pytest.approx(ADDRESS_14)
    assert report.address == "Kerkstraat 14"
    # An address the geocoder does not know: refused, with what to send instead.
    response = post(
        client, **post_data(api_client.key, lat=None, long=None, address_string="Nergensweg 9")
    )
    assert response.status_code == 400
    assert "not found in the city" in response.json()[0]["description"]


def test_attributes_of_every_datatype(client, city, all_types, api_client):
    data = post_data(
        api_client.key,
        **{
            "attribute[depth]": "12.5",
            "attribute[seen]": "2026-11-20T08:15:00+01:00",
            "attribute[street]": "Marktstraat",
            "attribute[details]": "Two lines\nof detail",
            "attribute[size]": "l",
            "attribute[hazards][]": ["water", "traffic"],
            "attribute[unknown]": "ignored",
        },
    )
    response = post(client, **data)
    assert response.status_code == 200, response.content
    report = Report.objects.get(pk=int(response.json()[0]["service_request_id"]))
    stored = {
        v.attribute.code: v.value
        for v in ReportAttributeValue.objects.filter(report=report).select_related("attribute")
    }
    assert stored == {
        "depth": "12.5",
        "seen": "2026-11-20T08:15:00+01:00",
        "street": "Marktstraat",
        "details": "Two lines\nof detail",
        "size": "l",
        "hazards": "water,traffic",
    }


@pytest.mark.parametrize(
    ("attributes", "fragment"),
    [
        ({"attribute[size]": "s"}, "attribute[depth]: Answer this question: About depth?"),
        ({"attribute[depth]": "deep", "attribute[size]": "s"}, "attribute[depth]: Enter a number"),
        ({"attribute[depth]": "3", "attribute[size]": "xl"}, "attribute[size]: Choose one"),
        (
            {"attribute[depth]": "3", "attribute[size]": "s", "attribute[hazards][]": ["fire"]},
            "attribute[hazards]: Choose from",
        ),
        (
            {"attribute[depth]": "3", "attribute[size]": "s", "attribute[seen]": "yesterday"},
            "attribute[seen]: Enter a date",
        ),
    ],
)
def test_attribute_errors(client, city, all_types, api_client, attributes, fragment):
    response = post(client, **post_data(api_client.key, **attributes))
    assert response.status_code == 400
    errors = response.json()
    validate(errors, ERRORS_SCHEMA)
    assert any(fragment in e["description"] for e in errors), errors
    assert not Report.objects.exists()


def test_markup_in_text_is_plain_text_in_both_formats(client, city, category, api_client):
    text = "Kids & <script>alert('x')</script> \"quotes\" café &amp;"
    response = post(client, **post_data(api_client.key, description=text))
    report_id = response.json()[0]["service_request_id"]
    (item,) = get_json(client, f"/requests/{report_id}.json")
    assert item["description"] == text
    root = get_xml(client, f"/requests/{report_id}.xml", "service_requests")
    assert root.findtext("request/description") == text


# --- GET requests -------------------------------------------------------------------


def test_requests_list_fields(client, category, staff, settings):
    settings.WEGOV_BASE_URL = "https://participate.example.org"
    report = ReportFactory(category=category, address="Marktstraat 1", media_url="")
    services.report_change_status(
        actor=staff, report=report, status=Status.ACKNOWLEDGED, text="We will look tomorrow."
    )
    services.report_add_update(actor=staff, report=report, text="Secret note", internal=True)
    photo = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(photo, "JPEG")
    from django.core.files.base import ContentFile

    ReportPhoto.objects.create(
        report=report,
        image=ContentFile(photo.getvalue(), name="p.jpg"),
        thumbnail=ContentFile(photo.getvalue(), name="t.jpg"),
        width=10,
        height=10,
    )
    report.refresh_from_db()
    (item,) = get_requests(client)
    assert item["service_request_id"] == str(report.pk)
    assert item["status"] == "open"
    assert item["status_notes"] == "We will look tomorrow."
    assert item["service_name"] == "Pothole"
    assert item["agency_responsible"] == "Public Works"
    assert item["expected_datetime"] is not None
    assert dt.datetime.fromisoformat(item["expected_datetime"]) == report.due_at.replace(
        microsecond=0
    )
    assert dt.datetime.fromisoformat(item["requested_datetime"]) == report.created_at.replace(
        microsecond=0
    )
    assert (item["lat"], item["long"]) == CENTRE
    assert item["media_url"].startswith("https://participate.example.org/media/reports/")
    assert item["media_url"].endswith(".jpg")
    assert "Secret note" not in json.dumps(item)

    root = get_xml(client, "/requests.xml", "service_requests")
    (request,) = root.findall("request")
    assert [child.tag for child in request] == list(item)
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == str(CENTRE[0])
    assert request.findtext("long") == str(CENTRE[1])
    assert request.findtext("media_url") == item["media_url"]
    assert request.find("zipcode") is not None and request.findtext("zipcode") == ""


def test_closed_request_fields(client, category, staff):
    report = ReportFactory(category=category, media_url="https://photos.example.org/x.jpg")
    services.report_change_status(
        actor=staff,
        report=report,
        status=Status.NOT_RESPONSIBLE,
        text="Please contact them.",
        responsible_body="the Water Board",
    )
    report.refresh_from_db()
    (item,) = get_requests(client)
    assert item["status"] == "closed"
    assert item["status_notes"] == (
        "This is the responsibility of the Water Board. Please contact them."
    )
    assert item["expected_datetime"] is None
    assert dt.datetime.fromisoformat(item["updated_datetime"]) == report.resolved_at.replace(
        microsecond=0
    )
    assert item["media_url"] == "https://photos.example.org/x.jpg"


def test_default_window_is_the_last_90_days(client, category):
    recent = report_at(89, category=category)
    report_at(91, category=category)
    assert ids(get_requests(client)) == [str(recent.pk)]


def test_date_filters(client, category):
    old = report_at(200, category=category)
    older = report_at(250, category=category)
    recent = report_at(1, category=category)
    start = (timezone.now() - dt.timedelta(days=260)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=190)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(get_requests(client, start_date=start, end_date=end)) == [
        str(old.pk),
        str(older.pk),
    ]
    # One end given: the window is 90 days from (or up to) it.
    assert ids(get_requests(client, start_date=start)) == [str(old.pk), str(older.pk)]
    assert ids(get_requests(client, end_date=end)) == [str(old.pk), str(older.pk)]
    # Offsets, unencoded "+" and dates alone are W3C too.
    local = (timezone.now() - dt.timedelta(days=2)).astimezone(dt.timezone(dt.timedelta(hours=2)))
    offset = local.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    assert ids(get_requests(client, start_date=offset)) == [str(recent.pk)]
    response = client.get(f"{BASE}/requests.json?start_date={offset}")  # "+" becomes " "
    assert ids(response.json()) == [str(recent.pk)]
    day = (timezone.now() - dt.timedelta(days=3)).date().isoformat()
    assert ids(get_requests(client, start_date=day)) == [str(recent.pk)]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "before"),
        ({"start_date": "2026-01-01T00:00:00"}, "time zone"),
        ({"end_date": "yesterday"}, "end_date must be a W3C"),
        ({"start_date": "2026-13-01T00:00:00Z"}, "start_date must be a W3C"),
        ({"status": "pending"}, "status must be open, closed"),
        ({"service_request_id": "1,x"}, "comma-separated"),
        ({"page_size": "1001"}, "page_size"),
        ({"page": "0"}, "page must be"),
        # Hostile values that gave 500s (issue 16): digits isdigit() accepts but int() does
        # not, numbers past a database integer, and dates at the ends of the calendar.
        ({"service_request_id": "\u00b2"}, "comma-separated"),
        ({"service_request_id": "1,99999999999999999999"}, "comma-separated"),
        ({"page": "\u00b2"}, "page must be"),
        ({"page_size": "\u0663"}, "page_size"),
        ({"page": "9223372036854775807"}, "page must be a whole number from 1 to 1000000"),
        ({"start_date": "9999-12-31T00:00:00Z"}, "within the years 1 to 9999"),
        ({"end_date": "0001-01-01T00:00:00Z"}, "within the years 1 to 9999"),
        ({"end_date": "9999-12-31T23:00:00-02:00"}, "end_date must be a W3C"),
    ],
)
def test_bad_query_is_400_in_both_formats(client, params, fragment):
    data = get_requests(client, 400, **params)
    assert fragment in data[0]["description"]
    root = get_xml(client, "/requests.xml", "errors", 400, **params)
    assert fragment in xml_errors(root, 400)[0]


@pytest.mark.parametrize("request_id", ["%C2%B2", "99999999999999999999", "0"])
def test_an_impossible_request_id_is_404_in_both_formats(client, request_id):
    data = get_json(client, f"/requests/{request_id}.json", 404)
    assert "was not found" in data[0]["description"]
    root = get_xml(client, f"/requests/{request_id}.xml", "errors", 404)
    assert "was not found" in xml_errors(root, 404)[0]


def test_status_filter(client, category, staff):
    open_report = ReportFactory(category=category)
    closed = ReportFactory(category=category)
    services.report_change_status(actor=staff, report=closed, status=Status.RESOLVED)
    in_progress = ReportFactory(category=category, status=Status.IN_PROGRESS)
    duplicate = ReportFactory(category=category, status=Status.DUPLICATE)
    opened = {str(open_report.pk), str(in_progress.pk)}
    shut = {str(closed.pk), str(duplicate.pk)}
    assert set(ids(get_requests(client, status="open"))) == opened
    assert set(ids(get_requests(client, status="closed"))) == shut
    assert set(ids(get_requests(client, status="open,closed"))) == opened | shut
    assert set(ids(get_requests(client, status=""))) == opened | shut
    root = get_xml(client, "/requests.xml", "service_requests", status="closed")
    assert {r.findtext("status") for r in root.findall("request")} == {"closed"}


def test_service_code_filter(client, category, department):
    graffiti = CategoryFactory(department=department, service_code="graffiti")
    lights = CategoryFactory(department=department, service_code="lights")
    a = ReportFactory(category=category)
    b = ReportFactory(category=graffiti)
    ReportFactory(category=lights)
    assert ids(get_requests(client, service_code="pothole")) == [str(a.pk)]
    assert set(ids(get_requests(client, service_code="pothole,graffiti"))) == {
        str(a.pk),
        str(b.pk),
    }
    assert get_requests(client, service_code="nothing") == []


def test_service_request_id_list_overrides_other_filters(client, category, staff):
    old = report_at(400, category=category)
    new = ReportFactory(category=category)
    services.report_change_status(actor=staff, report=new, status=Status.RESOLVED)
    data = get_requests(
        client,
        service_request_id=f"{old.pk}, {new.pk},999999",
        status="open",
        service_code="other",
        start_date="2000-01-01T00:00:00Z",
        end_date="2030-01-01T00:00:00Z",  # would be a 400 without the ids
    )
    assert set(ids(data)) == {str(old.pk), str(new.pk)}


def test_at_most_1000_requests_the_most_recent_first_and_pages(client, category, department):
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            category=category,
            department=department,
            title=f"Report {n}",
            description="Loose stone",
            lat=CENTRE[0],
            lon=CENTRE[1],
            due_at=now,
        )
        for n in range(1005)
    )
    for n, pk in enumerate(Report.objects.order_by("pk").values_list("pk", flat=True)):
        Report.objects.filter(pk=pk).update(created_at=now - dt.timedelta(minutes=2000 - n))
    newest_first = [str(pk) for pk in Report.objects.order_by("-pk").values_list("pk", flat=True)]
    data = get_requests(client)
    assert ids(data) == newest_first[:1000]
    assert ids(get_requests(client, page="2")) == newest_first[1000:]
    assert ids(get_requests(client, page_size="10", page="3")) == newest_first[20:30]
    root = get_xml(client, "/requests.xml", "service_requests")
    assert len(root.findall("request")) == 1000


def test_single_request_and_unknown_ones(client, category):
    report = ReportFactory(category=category)
    data = get_json(client, f"/requests/{report.pk}.json")
    validate(data, "requests.json")
    assert ids(data) == [str(report.pk)]
    root = get_xml(client, f"/requests/{report.pk}.xml", "service_requests")
    assert root.findtext("request/service_request_id") == str(report.pk)
    for missing in ("999999", "abc"):
        assert missing in get_json(client, f"/requests/{missing}.json", 404)[0]["description"]
        get_xml(client, f"/requests/{missing}.xml", "errors", 404)


def test_token_gives_the_request_id(client, category):
    report = ReportFactory(category=category)
    data = get_json(client, f"/tokens/{report.token}.json")
    validate(data, TOKEN_SCHEMA)
    assert data == [{"service_request_id": str(report.pk), "token": str(report.token)}]
    root = get_xml(client, f"/tokens/{report.token}.xml", "service_requests")
    assert root.findtext("request/service_request_id") == str(report.pk)
    assert root.findtext("request/token") == str(report.token)
    get_json(client, "/tokens/00000000-0000-0000-0000-000000000000.json", 404)
    get_xml(client, "/tokens/not-a-token.xml", "errors", 404)


def test_hidden_reports_never_appear(client, category, moderator):
    hidden = ReportFactory(category=category)
    services.report_set_hidden(actor=moderator, report=hidden, hidden=True, reason="Abuse")
    visible = ReportFactory(category=category)
    assert ids(get_requests(client)) == [str(visible.pk)]
    assert ids(get_requests(client, service_request_id=f"{hidden.pk},{visible.pk}")) == [
        str(visible.pk)
    ]
    get_json(client, f"/requests/{hidden.pk}.json", 404)
    get_xml(client, f"/requests/{hidden.pk}.xml", "errors", 404)
    get_json(client, f"/tokens/{hidden.token}.json", 404)
    root = get_xml(client, "/requests.xml", "service_requests")
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [str(visible.pk)]


def test_personal_data_never_appears(client, city, category, api_client, staff):
    reporter = UserFactory(email="private.person@example.org", display_name="Private Person")
    signed = services.report_create(
        actor=reporter,
        data=services.NewReport(
            category=category,
            title="Hole",
            description="Hole in the road",
            lat=CENTRE[0],
            lon=CENTRE[1],
            name="Secret Name",
            phone="0612345678",
        ),
    )
    response = post(
        client,
        **post_data(
            api_client.key,
            email="api.reporter@example.org",
            first_name="Hidden",
            last_name="Surname",
            phone="0698765432",
            device_id="DEVICE-SECRET",
            account_id="ACCOUNT-SECRET",
        ),
    )
    assert response.status_code == 200
    services.report_add_update(actor=staff, report=signed, text="INTERNAL-NOTE", internal=True)
    secrets = [
        "private.person@example.org",
        "Private Person",
        "Secret Name",
        "0612345678",
        "api.reporter@example.org",
        "Hidden",
        "Surname",
        "0698765432",
        "DEVICE-SECRET",
        "ACCOUNT-SECRET",
        "INTERNAL-NOTE",
        api_client.key,
        "Fix-it app",
    ]
    created = response.json()[0]["service_request_id"]
    paths = [
        "/requests.json",
        "/requests.xml",
        f"/requests/{signed.pk}.json",
        f"/requests/{signed.pk}.xml",
        f"/requests/{created}.json",
        f"/requests/{created}.xml",
        "/services.json",
        "/services.xml",
        "/discovery.json",
        "/discovery.xml",
    ]
    for path in paths:
        response = client.get(BASE + path)
        assert response.status_code == 200
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (path, secret)
    assert len(get_requests(client)) == 2


def test_query_count_is_bounded(client, category, department, staff, django_assert_max_num_queries):
    for n in range(30):
        report = ReportFactory(
            category=CategoryFactory(department=department) if n % 2 else category
        )
        services.report_add_update(actor=staff, report=report, text=f"Update {n}", internal=False)
        ReportPhoto.objects.create(
            report=report, image="reports/x.jpg", thumbnail="reports/t.jpg", width=1, height=1
        )
    with django_assert_max_num_queries(2):
        assert len(get_requests(client)) == 30
    with django_assert_max_num_queries(2):
        get_xml(client, "/requests.xml", "service_requests", status="open")
    with django_assert_max_num_queries(2):
        get_json(client, "/services.json")


# --- Rate limits, methods, unknown resources ---------------------------------------------


def test_anonymous_requests_are_rate_limited_per_ip(client, settings, category):
    settings.WEGOV_OPEN311_ANONYMOUS_REQUESTS_PER_HOUR = 3
    for _n in range(3):
        get_json(client, "/services.json")
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    data = response.json()
    validate(data, ERRORS_SCHEMA)
    assert data[0]["code"] == 429 and "Too many requests" in data[0]["description"]
    root = get_xml(client, "/requests.xml", "errors", 429)
    assert "Too many requests" in xml_errors(root, 429)[0]
    # Another address has its own allowance.
    other = client.get(f"{BASE}/services.json", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200


def test_api_keys_are_rate_limited_per_key(client, city, category, api_client, settings):
    settings.WEGOV_OPEN311_ANONYMOUS_REQUESTS_PER_HOUR = 1
    Open311Client.objects.filter(pk=api_client.pk).update(requests_per_hour=2)
    for _n in range(2):
        assert post(client, **post_data(api_client.key)).status_code == 200
    response = post(client, "xml", **post_data(api_client.key))
    assert response.status_code == 429
    assert response["Retry-After"]
    xml_errors(parse_xml(response, "errors"), 429)
    assert Report.objects.count() == 2
    # Another key is counted apart.
    _other, key = services.open311_client_create(actor=None, name="Other app")
    assert post(client, **post_data(key)).status_code == 200


def test_unknown_resources_and_methods(client):
    root = get_xml(client, "/nothing-here", "errors", 404)
    assert "nothing-here" in xml_errors(root, 404)[0]
    get_json(client, "/requests.csv.json", 404)
    response = client.delete(f"{BASE}/requests.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    validate(response.json(), ERRORS_SCHEMA)
    response = client.post(f"{BASE}/services.xml")
    assert response.status_code == 405
    xml_errors(parse_xml(response, "errors"), 405)


# --- Keys ---------------------------------------------------------------------------


def test_keys_are_stored_as_hashes_only(db):
    client, key = services.open311_client_create(actor=None, name="App", requests_per_hour=5)
    assert key.startswith("wg311_") and len(key) > 40
    assert client.key_prefix == key[:10]
    stored = Open311Client.objects.filter(pk=client.pk).values().get()
    assert key not in json.dumps(stored, default=str)
    assert services.open311_client_authenticate(key) == client
    assert services.open311_client_authenticate(key + "x") is None
    assert services.open311_client_authenticate("") is None
    services.open311_client_deactivate(actor=None, client=client)
    assert services.open311_client_authenticate(key) is None


def test_only_administrators_make_keys(citizen, moderator):
    for actor in (citizen, moderator):
        with pytest.raises(PermissionDenied):
            services.open311_client_create(actor=actor, name="App")
    assert not Open311Client.objects.exists()


def test_management_command_prints_a_new_key(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_key", "City app", "--requests-per-hour", "50", stdout=out, stderr=err)
    key = out.getvalue().strip()
    client = services.open311_client_authenticate(key)
    assert client.name == "City app" and client.requests_per_hour == 50
    assert "City app" in err.getvalue()


def test_admin_shows_a_new_key_once_and_deactivates(as_role):
    browser, _admin = as_role("admin_user")
    response = browser.post(
        "/admin/reports/open311client/add/",
        {"name": "Partner app", "contact_email": "dev@partner.example", "requests_per_hour": "60"},
        follow=True,
    )
    assert response.status_code == 200
    client = Open311Client.objects.get(name="Partner app")
    messages = [str(m) for m in response.context["messages"]]
    (message,) = [m for m in messages if "API key" in m]
    key = re.search(r"(wg311_\S+)", message).group(1)
    assert services.open311_client_authenticate(key) == client
    assert client.requests_per_hour == 60 and client.contact_email == "dev@partner.example"
    # Never shown again.
    page = browser.get(f"/admin/reports/open311client/{client.pk}/change/")
    assert key not in page.content.decode()
    assert client.key_prefix in page.content.decode()
    listing = browser.get("/admin/reports/open311client/")
    assert "Partner app" in listing.content.decode() and key not in listing.content.decode()
    browser.post(
        "/admin/reports/open311client/",
        {"action": "deactivate", "_selected_action": [client.pk]},
    )
    client.refresh_from_db()
    assert not client.is_active
    assert services.open311_client_authenticate(key) is None


def test_admin_is_for_administrators_only(as_role, api_client):
    for role in ("citizen", "moderator"):
        browser, _user = as_role(role)
        response = browser.get("/admin/reports/open311client/")
        assert response.status_code == 302


# --- Interoperability ---------------------------------------------------------------------
# An independent Open311 client from PyPI, `georeport`, against a real server. It
# reads (services, definitions, requests) in JSON and XML but cannot post, so the
# POST follows the spec's example exchange with `requests`.


def test_interoperability_with_the_georeport_client(live_server, city, all_types, api_client):
    import requests
    from django.conf import settings
    from georeport import GeoReport

    CategoryFactory(department=all_types.department, name="Graffiti", service_code="graffiti")
    root = live_server.url + "/open311/v2"
    jurisdiction = settings.WEGOV_OPEN311_JURISDICTION

    # POST requests.xml, form-encoded, as in the spec's "Example Request".
    body = (
        f"api_key={api_client.key}&jurisdiction_id={jurisdiction}&service_code=pothole"
        f"&lat={CENTRE[0]}&long={CENTRE[1]}&address_string=1234+Marktstraat"
        "&email=smit333%40example.org&device_id=tt222111&account_id=123456"
        "&first_name=john&last_name=smith&phone=111111111"
        "&description=A+large+sinkhole+is+destroying+the+street"
        "&media_url=http%3A%2F%2Fphotos.example.org%2F2212426634.jpg"
        "&attribute[depth]=40&attribute[size]=l"
        "&attribute[hazards][]=water&attribute[hazards][]=traffic"
    )
    response = requests.post(
        root + "/requests.xml",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    created = ET.fromstring(response.content).findtext("request/service_request_id")  # noqa: S314
    assert created

    # A wrong key is refused with the spec's 403.
    refused = requests.post(root + "/requests.json", data={"api_key": "nope"}, timeout=10)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403

    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction=jurisdiction, output_format=fmt)
        listed = client.get_service_list()
        assert {s["service_code"] for s in listed} == {"pothole", "graffiti"}
        pothole = next(s for s in listed if s["service_code"] == "pothole")
        assert str(pothole["metadata"]).lower() == "true"

        definition = client.get_service_definition("pothole")
        attributes = definition["attributes"]
        attributes = attributes["attribute"] if fmt == "xml" else attributes
        assert len(attributes) == 7
        assert {a["datatype"] for a in attributes} >= {"singlevaluelist", "multivaluelist"}

        found = client.get_service_requests(service_code="pothole", status="open")
        found = [found] if isinstance(found, dict) else found
        assert [r["service_request_id"] for r in found] == [created]

        request = client.get_service_request(created)
        assert request["service_request_id"] == created
        assert request["status"] == "open"
        assert request["service_code"] == "pothole"
        assert request["address"] == "1234 Marktstraat"
        assert request["description"] == "A large sinkhole is destroying the street"
        assert "smit333" not in json.dumps(request)

    report = Report.objects.get(pk=int(created))
    assert report.channel == Channel.API and report.reporter_email == "smit333@example.org"
    assert report.attribute_values.count() == 3


def test_category_without_anonymous_reports_needs_the_reporters_email(
    client, city, category, api_client
):
    category.allows_anonymous = False
    category.save()
    response = post(client, **post_data(api_client.key))
    assert response.status_code == 400
    assert "reporter's email address" in response.json()[0]["description"]
    assert not Report.objects.exists()
    response = post(client, **post_data(api_client.key, email="resident@example.org"))
    assert response.status_code == 200
    assert Report.objects.get().reporter_email == "resident@example.org"


# --- Caching ---------------------------------------------------------------------------


def test_cached_answers_are_the_same_bytes(client, category, staff, django_assert_num_queries):
    for n in range(5):
        report = ReportFactory(category=category)
        services.report_add_update(actor=staff, report=report, text=f"Update {n}", internal=False)
    paths = [
        ("/requests.json", {}),
        ("/requests.xml", {"status": "open", "service_code": "pothole"}),
        ("/requests.json", {"page_size": "2", "page": "2"}),
        (f"/requests/{report.pk}.json", {}),
    ]
    for path, params in paths:
        miss = client.get(BASE + path, params)
        with django_assert_num_queries(0):
            hit = client.get(BASE + path, params)
        assert hit.status_code == miss.status_code == 200
        assert hit.content == miss.content and hit["Content-Type"] == miss["Content-Type"]
        assert hit["Access-Control-Allow-Origin"] == "*"
        data_cache.clear_local()  # from the shared cache, as another worker would
        with django_assert_num_queries(0):
            assert client.get(BASE + path, params).content == miss.content
    # Each page and each filter is an answer of its own.
    assert ids(get_requests(client, page_size="2", page="1")) != ids(
        get_requests(client, page_size="2", page="2")
    )


def test_rate_limit_is_checked_before_the_cache(client, settings, category):
    settings.WEGOV_OPEN311_ANONYMOUS_REQUESTS_PER_HOUR = 2
    get_requests(client)
    get_requests(client)
    assert client.get(f"{BASE}/requests.json").status_code == 429


def test_changes_show_at_once(
    client, city, category, staff, moderator, api_client, django_capture_on_commit_callbacks
):
    assert get_requests(client) == []
    with django_capture_on_commit_callbacks(execute=True):
        created = post(client, **post_data(api_client.key))
    assert created.status_code == 200
    (item,) = get_requests(client)
    report = Report.objects.get(pk=item["service_request_id"])
    assert item["status"] == "open" and item["status_notes"] is None
    assert get_requests(client, status="closed") == []
    single = get_json(client, f"/requests/{report.pk}.json")
    assert single[0]["status"] == "open"

    with django_capture_on_commit_callbacks(execute=True):
        services.report_change_status(
            actor=staff, report=report, status=Status.RESOLVED, text="Filled in."
        )
    (item,) = get_requests(client)
    assert item["status"] == "closed" and item["status_notes"] == "Filled in."
    assert ids(get_requests(client, status="closed")) == [str(report.pk)]
    assert get_json(client, f"/requests/{report.pk}.json")[0]["status"] == "closed"

    with django_capture_on_commit_callbacks(execute=True):
        services.report_add_update(
            actor=staff, report=report, text="Checked again.", internal=False
        )
    assert get_requests(client)[0]["status_notes"] == "Checked again."

    with django_capture_on_commit_callbacks(execute=True):
        services.report_set_hidden(actor=moderator, report=report, hidden=True, reason="Abuse")
    assert get_requests(client) == []
    get_json(client, f"/requests/{report.pk}.json", 404)
