"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Plain Django views, because Open311 has its own formats: every resource comes
as ``.json`` or ``.xml`` (chosen by the extension), errors are a list of
``{code, description}`` in the same encoding with the same HTTP status, and
service requests are created from a form-encoded POST with an ``api_key``.
Reads and writes go through selectors.py and services.py; this module only
parses parameters and renders the spec's documents.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
import time
import uuid
import xml.etree.ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from wegov.core.numbers import object_id, whole_number
from wegov.places import geocoding

from . import cache as data_cache
from . import selectors, services
from .models import OPEN_STATUSES, Channel

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's Open311 interface last changed (discovery "changeset").
CHANGESET = "2026-11-23T00:00:00Z"
MAX_REQUESTS = 1000  # the spec's "first 1000 requests"
MAX_WINDOW = dt.timedelta(days=90)  # the spec's default and largest date range
MAX_PAGE = 1_000_000  # an extension (page_size, page); far past any city's last page
MAX_DESCRIPTION = 4000  # the spec's limit on description
ANONYMOUS_REQUESTS_PER_HOUR = 3600  # per IP address, for requests without an api_key
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# XML element names of list items, by the name of the list (the spec's ⇊ / ↴).
LIST_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
# Report fields of services.report_create's errors, as Open311 parameter names.
PARAMETERS = {
    "category": "service_code",
    "location": "lat/long",
    "email": "email",
    "title": "description",
    "description": "description",
    "photos": "media",
}
W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$"
)
ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
NOT_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """Answered as the spec's error document with this HTTP status."""

    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = descriptions
        self.headers = headers or {}


# --- Rendering -------------------------------------------------------------------


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, LIST_ITEMS[element.tag]), item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML_CHARS.sub("", str(value))


def render(fmt: str, root: str, data, *, status: int = 200, headers: dict | None = None):
    """JSON is the data itself; XML wraps it in ``root`` (the Spark convention)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        element = ET.Element(root)
        _fill(element, data)
        declaration = '<?xml version="1.0" encoding="utf-8"?>\n'
        body = (declaration + ET.tostring(element, encoding="unicode")).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error_response(fmt: str, error: Open311Error):
    errors = [{"code": error.status, "description": d} for d in error.descriptions]
    return render(fmt, "errors", errors, status=error.status, headers=error.headers)


def _w3c(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _absolute(url: str) -> str:
    return url if "://" in url else settings.WEGOV_BASE_URL + url


def _service_notice(category, department_name: str) -> str:
    return ngettext(
        "%(department)s aims to resolve this within %(hours)d hour.",
        "%(department)s aims to resolve this within %(hours)d hours.",
        category.sla_hours,
    ) % {"department": department_name, "hours": category.sla_hours}


def _service_item(category) -> dict:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": category.has_attributes,
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.group or None,
    }


def _attribute_item(attribute, order: int) -> dict:
    item = {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": order,
        "description": attribute.description,
    }
    if attribute.datatype in ("singlevaluelist", "multivaluelist"):
        item["values"] = [{"key": str(v["key"]), "name": str(v["name"])} for v in attribute.values]
    return item


def _status_notes(report) -> str | None:
    note = report.status_note or ""
    if report.status == "not_responsible" and report.responsible_body:
        body = _("This is the responsibility of %(body)s.") % {"body": report.responsible_body}
        note = f"{body} {note}".strip()
    return note or None


# What _request_item reads: loading only these halves the cost of a list of 1000.
REQUEST_FIELDS = (
    "id", "status", "description", "created_at", "updated_at", "resolved_at", "due_at",
    "address", "lat", "lon", "media_url", "responsible_body",
    "category__name", "category__service_code", "category__sla_hours", "department__name",
)  # fmt: skip


def _request_item(report) -> dict:
    """A report as a service request: public facts only, never who reported it."""
    is_open = report.status in OPEN_STATUSES
    if report.first_photo:
        media_url = _absolute(default_storage.url(report.first_photo))
    else:
        media_url = report.media_url or None
    return {
        "service_request_id": str(report.pk),
        "status": "open" if is_open else "closed",
        "status_notes": _status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.service_code,
        "description": report.description[:MAX_DESCRIPTION],
        "agency_responsible": report.department.name,
        "service_notice": _service_notice(report.category, report.department.name),
        "requested_datetime": _w3c(report.created_at),
        "updated_datetime": _w3c(
            report.updated_at if is_open else (report.resolved_at or report.updated_at)
        ),
        "expected_datetime": _w3c(report.due_at) if is_open else None,
        "address": report.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": media_url,
    }


# --- Parameters --------------------------------------------------------------------


def _param(params, name: str) -> str:
    """The spec's "optional": an empty parameter is the same as none."""
    return (params.get(name) or "").strip()


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _w3c_param(params, name: str) -> dt.datetime | None:
    value = _param(params, name)
    if not value:
        return None
    # An unencoded "+" in a query string arrives as a space.
    value = value.replace(" ", "+")
    try:
        if not W3C_DATETIME.match(value):
            raise ValueError
        if "T" not in value:
            day = dt.date.fromisoformat(value)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        # In UTC now: 9999-12-31T23:00:00-02:00 is past the last year a date can have.
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise Open311Error(
            400,
            _("%(name)s must be a W3C date and time with a time zone, e.g. 2010-01-01T00:00:00Z.")
            % {"name": name},
        ) from None


def _positive_int(params, name: str, default: int, maximum: int) -> int:
    value = _param(params, name)
    if not value:
        return default
    number = whole_number(value, maximum=maximum)
    if not number:
        raise Open311Error(
            400,
            _("%(name)s must be a whole number from 1 to %(max)s.")
            % {"name": name, "max": maximum},
        )
    return number


def _request_query(params) -> dict:
    """GET requests: filters, with the spec's defaults and limits."""
    ids = _param(params, "service_request_id")
    if ids:  # "This overrides all other arguments."
        parsed = [object_id(item) for item in _comma_list(ids)]
        if None in parsed or len(parsed) > MAX_REQUESTS:
            raise Open311Error(
                400,
                _("service_request_id must be a comma-separated list of at most %(n)d ids.")
                % {"n": MAX_REQUESTS},
            )
        return {"ids": parsed}
    statuses = set(_comma_list(_param(params, "status").lower()))
    if not statuses <= {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed, or both separated by a comma."))
    start, end = _w3c_param(params, "start_date"), _w3c_param(params, "end_date")
    window = "default" if start is None and end is None else None
    if window:
        end = timezone.now()
    try:
        if start is None:
            start = end - MAX_WINDOW
        elif end is None:
            end = start + MAX_WINDOW
    except OverflowError:  # 90 days before 0001-01-01 or after 9999-12-31
        raise Open311Error(
            400, _("start_date and end_date must leave 90 days within the years 1 to 9999.")
        ) from None
    if end < start:
        raise Open311Error(400, _("end_date must not be before start_date."))
    if end - start > MAX_WINDOW:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return {
        "service_codes": _comma_list(_param(params, "service_code")),
        "start": start,
        "end": end,
        "statuses": statuses,
        # The default window moves with the clock; its cache key must not.
        "window": window or (start.isoformat(), end.isoformat()),
    }


def _attributes(params) -> dict:
    """attribute[code]=value, and attribute[code][]=value repeated for lists."""
    answers: dict = {}
    for name, values in params.lists():
        match = ATTRIBUTE_PARAM.match(name)
        if match:
            code, is_list = match.groups()
            answers[code] = values if is_list or len(values) > 1 else values[-1]
    return answers


def _new_report(params, category, client) -> services.NewReport:
    """POST requests: the form, checked as far as Open311 says; the rest is the service's."""
    errors = []
    lat, lon = _param(params, "lat"), _param(params, "long")
    address = _param(params, "address_string")
    if not lat and not lon:
        found = geocoding.geocode(address, limit=1) if address else []
        if found:
            # The spec allows an address instead of a point; the city's
            # geocoder (docs/osm.md) places it, as a person would on the map.
            lat_value, lon_value = found[0].lat, found[0].lon
        elif address and geocoding.is_available():
            errors.append(
                _(
                    "address_string was not found in the city: send the location as lat and "
                    "long (WGS84)."
                )
            )
        elif address or _param(params, "address_id"):
            errors.append(
                _(
                    "This server cannot look up addresses: send the location as lat and long "
                    "(WGS84), with address_string as its description if you like."
                )
            )
        else:
            errors.append(_("A location is required: send lat and long (WGS84)."))
    else:
        try:
            lat_value, lon_value = float(lat), float(lon)
            if not (math.isfinite(lat_value) and math.isfinite(lon_value)):
                raise ValueError
        except ValueError:
            errors.append(_("lat and long must both be sent, as decimal degrees (WGS84)."))
    description = (params.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors.append(_("description can be at most %(n)d characters.") % {"n": MAX_DESCRIPTION})
    email = _param(params, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("email is not a valid email address."))
    media_url = _param(params, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
            if len(media_url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(_("media_url must be an http or https URL of at most 500 characters."))
    if errors:
        raise Open311Error(400, *errors)
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    name = " ".join(filter(None, [_param(params, "first_name"), _param(params, "last_name")]))
    return services.NewReport(
        category=category,
        title=(first_line or category.name)[:120],
        description=description,
        lat=lat_value,
        lon=lon_value,
        address=address,
        attributes=_attributes(params),
        anonymous=True,
        email=email,
        name=name,
        phone=_param(params, "phone"),
        channel=Channel.API,
        api_client=client,
        device_id=_param(params, "device_id"),
        account_id=_param(params, "account_id"),
        media_url=media_url,
    )


def _validation_errors(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    described = []
    for field, messages in exc.message_dict.items():
        parameter = PARAMETERS.get(field, f"attribute[{field}]")
        described.extend(f"{parameter}: {message}" for message in messages)
    return described


# --- Access: jurisdiction, api_key, rate limits --------------------------------------


def _client_ip(request) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our reverse proxy, which appends the address it saw.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _throttle(bucket: str, per_hour: int) -> None:
    """A fixed one-hour window per bucket, counted in the shared cache."""
    now = time.time()
    key = f"open311:rate:{bucket}:{int(now // 3600)}"
    count = data_cache.incr_with_expiry(key, 3700)
    if count > per_hour:
        retry_after = 3600 - int(now) % 3600
        raise Open311Error(
            429,
            _("Too many requests: at most %(n)d an hour. Try again in %(s)d seconds.")
            % {"n": per_hour, "s": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def _check_access(request, params):
    """Rate limit, api_key (required to POST) and jurisdiction_id; returns the client."""
    key = _param(params, "api_key") or _param(request.GET, "api_key")
    client = services.open311_client_authenticate(key) if key else None
    if client is not None:
        _throttle(f"client:{client.pk}", client.requests_per_hour)
    else:
        per_hour = getattr(
            settings, "WEGOV_OPEN311_ANONYMOUS_REQUESTS_PER_HOUR", ANONYMOUS_REQUESTS_PER_HOUR
        )
        _throttle(f"ip:{_client_ip(request)}", per_hour)
    if request.method == "POST" and client is None:
        if key:
            raise Open311Error(
                403, _("Invalid or deactivated api_key received: cannot create the request.")
            )
        raise Open311Error(403, _("An api_key is required to create service requests."))
    jurisdiction = _param(params, "jurisdiction_id") or _param(request.GET, "jurisdiction_id")
    if jurisdiction and jurisdiction != settings.WEGOV_OPEN311_JURISDICTION:
        raise Open311Error(
            404,
            _("jurisdiction_id %(given)s was not found; this server serves %(ours)s.")
            % {"given": jurisdiction, "ours": settings.WEGOV_OPEN311_JURISDICTION},
        )
    return client


def open311_view(*methods: str):
    """Method check, access checks and the error format around a handler
    ``view(request, fmt, params, client, **kwargs)``."""

    def decorate(view):
        @csrf_exempt  # api_key, not cookies, authenticates a POST
        @functools.wraps(view)
        def wrapper(request, fmt, **kwargs):
            try:
                allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
                if request.method not in allowed:
                    raise Open311Error(
                        405,
                        _("Method %(method)s is not allowed here.") % {"method": request.method},
                        headers={"Allow": ", ".join(methods)},
                    )
                params = request.POST if request.method == "POST" else request.GET
                client = _check_access(request, params)
                response = view(request, fmt, params, client, **kwargs)
            except Open311Error as error:
                response = _error_response(fmt, error)
            if request.method != "POST":
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorate


# --- Resources -------------------------------------------------------------------


@open311_view("GET")
def discovery(request, fmt, params, client):
    endpoint_type = "production" if settings.PRODUCTION else "test"
    document = {
        "changeset": CHANGESET,
        "contact": _("%(city)s: %(email)s")
        % {"city": settings.WEGOV_CITY_NAME, "email": settings.WEGOV_CONTACT_EMAIL},
        "key_service": _("Ask %(email)s for an API key to create service requests.")
        % {"email": settings.WEGOV_CONTACT_EMAIL},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": settings.WEGOV_BASE_URL + "/open311/v2",
                "changeset": CHANGESET,
                "type": endpoint_type,
                "formats": [
                    CONTENT_TYPES["xml"].split(";")[0],
                    CONTENT_TYPES["json"].split(";")[0],
                ],
            }
        ],
    }
    return render(fmt, "discovery", document)


@open311_view("GET")
def service_list(request, fmt, params, client):
    return render(fmt, "services", [_service_item(c) for c in selectors.open311_services()])


@open311_view("GET")
def service_definition(request, fmt, params, client, service_code):
    category = selectors.open311_service(service_code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": service_code})
    attributes = [_attribute_item(a, n) for n, a in enumerate(category.attributes.all(), 1)]
    return render(
        fmt,
        "service_definition",
        {"service_code": category.service_code, "attributes": attributes},
    )


@open311_view("GET", "POST")
def service_requests(request, fmt, params, client):
    if request.method == "POST":
        return _create_request(fmt, params, client)
    query = _request_query(params)
    page_size = _positive_int(params, "page_size", MAX_REQUESTS, MAX_REQUESTS)
    # A page past the last is empty, but its offset must still fit a database integer.
    page = _positive_int(params, "page", 1, MAX_PAGE)
    window = query.pop("window", None)
    normalised = (
        query.get("ids"),
        sorted(query.get("service_codes", ())),
        sorted(query.get("statuses", ())),
        window,
    )
    key = _cache_key(fmt, "list", normalised, page, page_size)
    version, body = data_cache.get(key)
    if body is None:
        offset = (page - 1) * page_size
        reports = selectors.open311_requests(**query).only(*REQUEST_FIELDS)
        reports = reports[offset : offset + page_size]
        body = render(fmt, "service_requests", [_request_item(r) for r in reports]).content
        data_cache.set_many(version, {key: body})
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt])


def _cache_key(fmt: str, *parts) -> str:
    """Open311 answers are cached for data_cache.SECONDS under the normalised query
    and the language, stamped with the reports data version (see cache.py)."""
    raw = repr((fmt, get_language(), *parts))
    return "open311:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def _create_request(fmt, params, client):
    code = _param(params, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = selectors.open311_service(code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    data = _new_report(params, category, client)
    try:
        report = services.report_create(actor=None, data=data)
    except ValidationError as exc:
        raise Open311Error(400, *_validation_errors(exc)) from None
    answer = {
        "service_request_id": str(report.pk),
        "service_notice": _service_notice(category, report.department.name),
        "account_id": report.account_id or None,
    }
    return render(fmt, "service_requests", [answer])


@open311_view("GET")
def service_request(request, fmt, params, client, request_id):
    key = _cache_key(fmt, "one", request_id)
    version, body = data_cache.get(key)
    if body is None:
        pk = object_id(request_id)
        reports = list(selectors.open311_requests(ids=[pk]).only(*REQUEST_FIELDS)) if pk else []
        if not reports:
            raise Open311Error(
                404, _("service_request_id %(id)s was not found.") % {"id": request_id}
            )
        body = render(fmt, "service_requests", [_request_item(reports[0])]).content
        data_cache.set_many(version, {key: body})
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt])


@open311_view("GET")
def token_lookup(request, fmt, params, client, token):
    try:
        report_id = selectors.open311_request_id_for_token(uuid.UUID(token))
    except ValueError:
        report_id = None
    if report_id is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    return render(fmt, "service_requests", [{"service_request_id": str(report_id), "token": token}])


def not_found(request, path):
    """Anything else under /open311/v2/: the error format (XML unless .json was asked)."""
    fmt = "json" if path.endswith(".json") else "xml"
    error = Open311Error(
        404,
        _("There is no Open311 resource at %(path)s; see discovery.xml.") % {"path": path},
    )
    return _error_response(fmt, error)
