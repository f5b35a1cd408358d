"""The citizen pages: report a problem, a report's page, confirm, follow, browse."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import ROLES
from wegov.accounts.tests.factories import UserFactory
from wegov.places import services as places
from wegov.reports import services
from wegov.reports.models import (
    Confirmation,
    Report,
    ReportUpdate,
    ServiceAttribute,
    Status,
    Subscription,
)
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db

NEW = reverse("reports:new")
LIST = reverse("reports:list")
XSS = "<script>alert(1)</script>"


def detail_url(report):
    return reverse("reports:detail", args=[report.pk])


@pytest.fixture
def category(department):
    return CategoryFactory(
        department=department, name="Pothole", service_code="pothole", group="Roads"
    )


@pytest.fixture
def login_only(department):
    return CategoryFactory(
        department=department,
        name="Illegal dumping",
        service_code="dumping",
        allows_anonymous=False,
    )


def jpeg(name="photo.jpg", *, gps=False, size=(64, 48)):
    img = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam"
        location = exif.get_ifd(0x8825)
        location.update({1: "N", 2: (52.0, 9.0, 22.0), 3: "E", 4: (5.0, 23.0, 16.0)})
        img.save(buffer, "JPEG", exif=exif)
    else:
        img.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def start_data(category, **overrides):
    data = {
        "lat": str(CENTRE[0]),
        "lon": str(CENTRE[1]),
        "address": "Kerkstraat 12",
        "category": category.service_code,
        "title": "Deep hole in the cycle path",
        "description": "Cyclists swerve around it.\nIt is getting bigger.",
    }
    data.update(overrides)
    return data


def submit_data(category, **overrides):
    return {**start_data(category), "action": "submit", **overrides}


# --- Reporting: the steps ------------------------------------------------------------


def test_form_has_a_map_and_typed_coordinates(client, city, category):
    response = client.get(NEW)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-map="picker"' in html and "dist/leaflet.js" in html
    assert 'name="lat"' in html and 'name="lon"' in html and 'name="address"' in html
    assert "coordinates are needed" in html
    # The categories come in groups.
    assert '<optgroup label="Roads">' in html


def test_check_without_duplicates_goes_to_the_details(client, city, category):
    response = client.post(NEW, {**start_data(category), "action": "check"})
    html = response.content.decode()
    assert "Tell us more" in html
    assert 'name="email"' in html and "never shown" in html
    assert 'type="hidden" name="title" value="Deep hole in the cycle path"' in html
    assert 'enctype="multipart/form-data"' in html


def test_signed_in_choose_to_show_name_or_be_anonymous(client, city, category, citizen):
    client.force_login(citizen)
    html = client.post(NEW, {**start_data(category), "action": "check"}).content.decode()
    assert "With my name: Anna Citizen" in html and "Anonymously" in html
    assert 'name="email"' not in html
    response = client.post(NEW, submit_data(category, shown_as="anonymous"))
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.reporter == citizen and report.is_anonymous


def test_happy_path_with_photos_strips_exif(client, city, category, citizen):
    client.force_login(citizen)
    response = client.post(
        NEW,
        submit_data(category, shown_as="name", photos=[jpeg("a.jpg", gps=True), jpeg("b.jpg")]),
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == detail_url(report)
    assert report.title == "Deep hole in the cycle path"
    assert report.address == "Kerkstraat 12"
    assert report.reporter == citizen and not report.is_anonymous
    assert report.photos.count() == 2
    for photo in report.photos.all():
        with Image.open(photo.image.path) as stored:
            assert not stored.getexif()
            assert "exif" not in stored.info
    page = client.get(response.url)
    html = page.content.decode()
    assert f"Thank you. Your report #{report.pk} has been sent to Public Works." in html
    assert "Photo 1 of the problem" in html and "Photo 2 of the problem" in html
    assert "Anna Citizen" in html


def test_a_text_file_named_jpg_is_refused_and_the_text_kept(client, city, category, citizen):
    client.force_login(citizen)
    fake = SimpleUploadedFile("holiday.jpg", b"just some text", content_type="image/jpeg")
    response = client.post(NEW, submit_data(category, shown_as="name", photos=[fake]))
    html = response.content.decode()
    assert response.status_code == 200
    assert not Report.objects.exists()
    assert "This file is not a photo we can read" in html
    assert "add the photos again" in html
    assert 'value="Deep hole in the cycle path"' in html


def test_four_photos_are_refused(client, city, category, citizen):
    client.force_login(citizen)
    photos = [jpeg(f"{n}.jpg") for n in range(4)]
    html = client.post(NEW, submit_data(category, shown_as="name", photos=photos)).content.decode()
    assert not Report.objects.exists()
    assert "at most 3 photos" in html
    assert "add the photos again" in html


@pytest.mark.parametrize("action", ["check", "submit"])
def test_outside_the_city_is_refused_and_the_text_kept(client, city, category, action):
    data = {**submit_data(category, lat="52.5", lon="5.0", email="a@example.org"), "action": action}
    html = client.post(NEW, data).content.decode()
    assert not Report.objects.exists()
    assert "This place is outside the city" in html
    assert "Deep hole in the cycle path" in html
    assert "It is getting bigger." in html
    assert 'value="52.5"' in html
    assert "govuk-error-summary" in html and 'href="#id_lat"' in html


def test_missing_fields_get_clear_messages(client, city, category):
    html = client.post(NEW, {"action": "check"}).content.decode()
    for message in (
        "Choose the place on the map, or enter its latitude.",
        "Choose what kind of problem it is.",
        "Give the problem a short title.",
        "Describe the problem.",
    ):
        assert message in html


def test_anonymous_needs_an_email_which_is_never_shown(client, city, category):
    html = client.post(NEW, submit_data(category)).content.decode()
    assert "Enter your email address, so we can tell you what happens." in html
    assert not Report.objects.exists()
    response = client.post(NEW, submit_data(category, email="walker@example.org"))
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.is_anonymous and report.reporter is None
    assert Subscription.objects.get(report=report).email == "walker@example.org"
    html = client.get(detail_url(report)).content.decode()
    assert "walker@example.org" not in html
    assert "anonymous" in html


def test_anonymous_refused_for_a_login_only_category(client, city, login_only):
    for action in ("check", "submit"):
        data = {**submit_data(login_only, email="a@example.org"), "action": action}
        html = client.post(NEW, data).content.decode()
        assert "Log in to report this kind of problem" in html
        assert "/accounts/login/?next=/reports/new/" in html
    assert not Report.objects.exists()


def test_edit_goes_back_to_the_first_step_with_everything_typed(client, city, category):
    html = client.post(NEW, {**start_data(category), "action": "edit"}).content.decode()
    assert "Where is the problem, and what is it?" in html
    assert 'value="Deep hole in the cycle path"' in html
    assert "govuk-error" not in html


def test_bad_numbers_are_form_errors_not_server_errors(client, city, category):
    data = {**start_data(category, lat="north", lon="1e999"), "action": "submit"}
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert "Enter the latitude as a number" in response.content.decode()


# --- Reporting: the category's questions ------------------------------------------------


@pytest.fixture
def asking(category):
    def attr(code, datatype, **kw):
        return ServiceAttribute.objects.create(
            category=category, code=code, description=f"Question {code}", datatype=datatype, **kw
        )

    attr("s", "string", order=1)
    attr("n", "number", order=2, required=True)
    attr("d", "datetime", order=3)
    attr("t", "text", order=4)
    attr(
        "one",
        "singlevaluelist",
        order=5,
        values=[{"key": "y", "name": "Yes"}, {"key": "n", "name": "No"}],
    )
    many = [{"key": f"k{i}", "name": f"Option {i}"} for i in range(8)]
    attr("pick", "singlevaluelist", order=6, values=many)
    attr("multi", "multivaluelist", order=7, values=many[:3])
    attr("info", "string", order=8, variable=False)
    return category


def test_questions_render_per_datatype(client, city, asking, citizen):
    client.force_login(citizen)
    html = client.post(NEW, {**start_data(asking), "action": "check"}).content.decode()
    assert re.search(r'<input type="text" name="attr_s"', html)
    assert re.search(r'name="attr_n"[^>]*inputmode="decimal"', html)
    assert re.search(r'type="datetime-local" name="attr_d"', html)
    assert re.search(r'<textarea name="attr_t"', html)
    assert re.search(r'name="attr_one" type="radio" value="y"', html)
    assert re.search(r'<select name="attr_pick"', html)
    assert re.search(r'name="attr_multi" type="checkbox" value="k0"', html)
    assert "attr_info" not in html
    assert "Question s (optional)" in html and "Question n (optional)" not in html


def test_questions_are_validated_and_stored(client, city, asking, citizen):
    client.force_login(citizen)
    base = submit_data(asking, shown_as="name")
    html = client.post(NEW, base).content.decode()
    assert "Answer this question: Question n" in html
    html = client.post(NEW, {**base, "attr_n": "deep"}).content.decode()
    assert "Enter a number." in html
    html = client.post(NEW, {**base, "attr_n": "3", "attr_d": "yesterday"}).content.decode()
    assert "Enter a date and time" in html
    html = client.post(NEW, {**base, "attr_n": "3", "attr_one": "maybe"}).content.decode()
    assert "Select a valid choice" in html
    assert not Report.objects.exists()
    response = client.post(
        NEW,
        {
            **base,
            "attr_s": "near the school",
            "attr_n": "12.5",
            "attr_d": "2026-05-01T14:30",
            "attr_t": "long\ntext",
            "attr_one": "y",
            "attr_pick": "k5",
            "attr_multi": ["k0", "k2"],
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    stored = {
        v.attribute.code: v.value for v in report.attribute_values.select_related("attribute")
    }
    assert stored == {
        "s": "near the school",
        "n": "12.5",
        "d": "2026-05-01T14:30",
        "t": "long\ntext",
        "one": "y",
        "pick": "k5",
        "multi": "k0,k2",
    }
    html = client.get(response.url).content.decode()
    assert "Option 0, Option 2" in html and "Yes" in html


# --- Likely duplicates and "this is my problem too" --------------------------------------


def test_the_duplicates_step_shows_a_nearby_report_of_the_same_kind(client, city, category):
    nearby = ReportFactory(category=category, title="Pothole at the bakery", lat=CENTRE[0] + 0.0002)
    far = ReportFactory(category=category, title="Pothole far away", lat=CENTRE[0] + 0.01)
    other = ReportFactory(title="Streetlight out", lon=CENTRE[1] + 0.0001)
    html = client.post(NEW, {**start_data(category), "action": "check"}).content.decode()
    assert "Is it one of these?" in html
    assert nearby.title in html
    assert far.title not in html and other.title not in html
    # Anonymous visitors log in to confirm; then they come back to the report.
    assert f"/accounts/login/?next=/reports/{nearby.pk}/" in html
    assert 'value="details"' in html  # "No, continue with my report"
    # Continuing leads to the details step.
    html = client.post(NEW, {**start_data(category), "action": "details"}).content.decode()
    assert "Tell us more" in html


def test_duplicates_endpoint_returns_the_partial(client, city, category, citizen):
    nearby = ReportFactory(category=category, title="Pothole at the bakery")
    client.force_login(citizen)
    url = reverse("reports:duplicates")
    query = {"lat": CENTRE[0], "lon": CENTRE[1], "category": "pothole", "text": "hole"}
    response = client.get(url, query, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert nearby.title in html and reverse("reports:confirm", args=[nearby.pk]) in html
    full = client.get(url, query).content.decode()
    assert "<html" in full and nearby.title in full
    assert client.get(url, {"lat": "x", "lon": "1"}).status_code == 400


def test_confirm_needs_login_and_counts_once(client, city, category, citizen):
    report = ReportFactory(category=category)
    url = reverse("reports:confirm", args=[report.pk])
    response = client.post(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert f"next=/reports/{report.pk}/" in response.url.replace("%2F", "/")
    client.force_login(citizen)
    assert client.post(url).url == detail_url(report)
    html = client.post(url, follow=True).content.decode()
    report.refresh_from_db()
    assert report.confirmations_count == 1
    assert "You already said this is your problem too." in html
    assert Subscription.objects.filter(report=report, user=citizen).exists()
    assert client.get(url).status_code == 405


def test_confirming_a_closed_report_says_why(client, city, category, citizen):
    report = ReportFactory(category=category, status=Status.RESOLVED)
    client.force_login(citizen)
    html = client.post(reverse("reports:confirm", args=[report.pk]), follow=True).content.decode()
    assert "This report is closed" in html
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize("role", [*ROLES, "staff"])
def test_confirm_permission_matrix(as_role, role, city, category):
    report = ReportFactory(category=category)
    hidden = ReportFactory(category=category, is_hidden=True)
    client, user = as_role(role)
    response = client.post(reverse("reports:confirm", args=[report.pk]))
    assert response.status_code == 302
    if user is None:
        assert response.url.startswith("/accounts/login/")
        assert not Confirmation.objects.exists()
    else:
        assert response.url == detail_url(report)
        assert Confirmation.objects.filter(report=report, user=user).exists()
    assert client.post(reverse("reports:confirm", args=[hidden.pk])).status_code == 404


# --- A report's page ------------------------------------------------------------------


@pytest.fixture
def handled(city, category, staff, citizen):
    report = services.report_create(
        actor=citizen,
        data=services.NewReport(
            category=category,
            title="Loose paving",
            description="Line one\nLine two",
            lat=CENTRE[0],
            lon=CENTRE[1],
            address="Marktplein 1",
        ),
    )
    services.report_add_update(
        actor=staff, report=report, text="We will fix it on Monday.", internal=False
    )
    services.report_add_update(
        actor=staff, report=report, text="Crew B is short-staffed.", internal=True
    )
    services.report_change_status(actor=staff, report=report, status=Status.IN_PROGRESS)
    return report


def test_report_page_shows_what_the_public_may_see(client, handled, citizen):
    html = client.get(detail_url(handled)).content.decode()
    assert "Loose paving" in html and "Pothole" in html
    assert "govuk-tag--yellow" in html and "In progress" in html
    assert "Centrum" in html and "Marktplein 1" in html
    assert "Line one<br>Line two" in html
    assert "https://www.openstreetmap.org/?mlat=" in html and 'data-map="point"' in html
    assert "We will fix it on Monday." in html
    assert "Crew B is short-staffed." not in html
    assert "Anna Citizen" in html
    assert citizen.email not in html
    assert "To be solved by" in html
    assert "0 people have this problem too" in html


def test_handlers_see_internal_notes(as_role, handled):
    client, _user = as_role("staff")
    html = client.get(detail_url(handled)).content.decode()
    assert "Crew B is short-staffed." in html and "Internal note" in html


def test_former_participant_and_duplicate_and_responsible_body(client, city, category, citizen):
    citizen.erased_at = timezone.now()
    citizen.save()
    original = ReportFactory(category=category, title="The first report")
    report = ReportFactory(
        category=category,
        reporter=citizen,
        reporter_email=citizen.email,
        status=Status.DUPLICATE,
        duplicate_of=original,
    )
    html = client.get(detail_url(report)).content.decode()
    assert "former participant" in html and citizen.email not in html
    assert detail_url(original) in html and "The first report" in html
    assert "To be solved by" not in html
    other = ReportFactory(
        category=category, status=Status.NOT_RESPONSIBLE, responsible_body="Water Board"
    )
    assert "Water Board" in client.get(detail_url(other)).content.decode()


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_citizen", False),
        ("other_staff", False),
        ("staff", True),
        ("moderator", True),
        ("admin_user", True),
    ],
)
def test_hidden_report_page_permission_matrix(as_role, role, visible, city, category):
    report = ReportFactory(
        category=category,
        is_hidden=True,
        title="Hidden one",
        description="Secret text",
        hidden_reason="Personal data of a neighbour.",
    )
    client, _user = as_role(role)
    response = client.get(detail_url(report))
    html = response.content.decode()
    assert response.status_code == 200
    if visible:
        assert "hidden by moderation" in html and "Secret text" in html
    else:
        # The public reason instead of the report.
        assert "This report is hidden" in html
        assert "Personal data of a neighbour." in html
        assert "Hidden one" not in html and "Secret text" not in html


def test_unknown_report_is_404(client, db):
    assert client.get("/reports/999999/").status_code == 404


def test_report_text_is_escaped_on_the_page_and_the_list(client, city, category):
    report = ReportFactory(category=category, title=XSS, description=f"Look {XSS}")
    for url in (detail_url(report), LIST):
        html = client.get(url).content.decode()
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_photos_link_to_the_full_image(client, city, category, citizen):
    client.force_login(citizen)
    client.post(NEW, submit_data(category, shown_as="name", photos=[jpeg()]))
    report = Report.objects.get()
    photo = report.photos.get()
    html = client.get(detail_url(report)).content.decode()
    assert f'href="{photo.image.url}"' in html and f'src="{photo.thumbnail.url}"' in html


# --- Following a report ---------------------------------------------------------------


def test_signed_in_user_subscribes_with_one_button(client, city, category, other_citizen):
    report = ReportFactory(category=category)
    client.force_login(other_citizen)
    assert "Email me when it changes" in client.get(detail_url(report)).content.decode()
    response = client.post(reverse("reports:subscribe", args=[report.pk]))
    assert response.status_code == 302
    subscription = Subscription.objects.get(report=report, user=other_citizen)
    html = client.get(detail_url(report)).content.decode()
    assert "You follow this report" in html
    assert reverse("reports:unsubscribe", args=[subscription.unsubscribe_token]) in html


def test_visitor_subscribes_with_an_email(client, city, category):
    report = ReportFactory(category=category)
    url = reverse("reports:subscribe", args=[report.pk])
    html = client.post(url, {"email": "not an email"}).content.decode()
    assert "Enter an email address like name@example.org." in html
    assert not Subscription.objects.exists()
    response = client.post(url, {"email": "Neighbour@Example.org"}, follow=True)
    assert Subscription.objects.get(report=report).email == "neighbour@example.org"
    assert "We will email" in response.content.decode()


def test_subscribing_to_a_hidden_report_is_404(client, city, category):
    report = ReportFactory(category=category, is_hidden=True)
    response = client.post(reverse("reports:subscribe", args=[report.pk]), {"email": "a@b.org"})
    assert response.status_code == 404


# --- Browsing -------------------------------------------------------------------------


def titles(response) -> set[str]:
    return {report.title for report in response.context["page"].object_list}


@pytest.fixture
def variety(city, category, other_department):
    lights = CategoryFactory(name="Streetlight", service_code="light", department=other_department)
    north = places.area_save(
        kind="district",
        name="Noord",
        slug="noord",
        geometry={
            "type": "Polygon",
            "coordinates": [
                [[5.37, 52.16], [5.41, 52.16], [5.41, 52.17], [5.37, 52.17], [5.37, 52.16]]
            ],
        },
    )
    old = ReportFactory(category=category, title="old hole", district=city)
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    ReportFactory(category=category, title="resolved hole", status=Status.RESOLVED, district=city)
    ReportFactory(category=lights, title="dark corner", district=north, lat=52.169, lon=5.38)
    ReportFactory(category=lights, title="hidden light", is_hidden=True)
    return north


def test_list_shows_public_reports_newest_first(client, variety):
    response = client.get(LIST)
    reports = list(response.context["page"].object_list)
    assert [r.title for r in reports] == ["dark corner", "resolved hole", "old hole"]
    html = response.content.decode()
    assert "hidden light" not in html
    assert 'data-map="reports"' in html and 'data-geojson-url="/reports/map.geojson"' in html


WEEK_AGO = object()  # filled in by the test


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "pothole"}, {"old hole", "resolved hole"}),
        ({"category": "light"}, {"dark corner"}),
        ({"status": "open"}, {"old hole", "dark corner"}),
        ({"status": "closed"}, {"resolved hole"}),
        ({"status": "resolved"}, {"resolved hole"}),
        ({"district": "noord"}, {"dark corner"}),
        ({"district": "centrum"}, {"old hole", "resolved hole"}),
        ({"start": WEEK_AGO}, {"resolved hole", "dark corner"}),
        ({"end": WEEK_AGO}, {"old hole"}),
        ({"lat": "52.169", "lon": "5.38"}, {"dark corner"}),
        ({"category": "pothole", "status": "open"}, {"old hole"}),
    ],
)
def test_each_filter_narrows_the_list(client, variety, query, expected):
    # The date is the city's, a week before the day the test runs (not the day it was
    # collected, nor the UTC day).
    week_ago = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    query = {key: week_ago if value is WEEK_AGO else value for key, value in query.items()}
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_near_me_sorts_nearest_first(client, city, category):
    ReportFactory(category=category, title="300 m", lat=CENTRE[0] + 0.0027)
    ReportFactory(category=category, title="here", lat=CENTRE[0])
    ReportFactory(category=category, title="100 m", lat=CENTRE[0] + 0.0009)
    ReportFactory(category=category, title="3 km", lat=CENTRE[0] + 0.027)
    response = client.get(LIST, {"lat": CENTRE[0], "lon": CENTRE[1]})
    assert [r.title for r in response.context["page"].object_list] == ["here", "100 m", "300 m"]
    assert "within 1 km, nearest first" in response.content.decode()
    assert 'data-near="52.156100,5.387800"' in response.content.decode()


def test_bad_filters_are_shown_and_ignored(client, variety):
    response = client.get(LIST, {"start": "someday", "status": "nonsense", "lat": "52.1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a date like 2026-05-01." in html
    assert "Enter both latitude and longitude, or neither." in html
    assert len(titles(response)) == 3


def test_pagination_keeps_the_filters(client, city, category):
    for n in range(30):
        ReportFactory(category=category, title=f"Report {n:02d}")
    first = client.get(LIST, {"category": "pothole"})
    assert len(first.context["page"].object_list) == 25
    html = first.content.decode()
    assert 'class="govuk-pagination"' in html
    assert "?category=pothole&amp;page=2" in html
    second = client.get(LIST, {"category": "pothole", "page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert titles(second) == {f"Report {n:02d}" for n in range(5)}
    # A page past the end or not a number shows a page, not an error.
    assert client.get(LIST, {"page": "99"}).status_code == 200
    assert client.get(LIST, {"page": "x"}).status_code == 200


def test_list_query_count(client, city, category, django_assert_max_num_queries):
    for n in range(30):
        ReportFactory(category=category, district=city, confirmations_count=n)
    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"status": "open"})
    assert response.status_code == 200


def test_erased_reporters_email_is_never_on_the_list(client, city, category):
    user = UserFactory(display_name="Pieter Public")
    ReportFactory(category=category, reporter=user, reporter_email=user.email)
    assert user.email not in client.get(LIST).content.decode()


def test_internal_updates_never_reach_the_public_page(client, handled):
    assert ReportUpdate.objects.filter(kind=ReportUpdate.Kind.INTERNAL).exists()
    assert "short-staffed" not in client.get(detail_url(handled)).content.decode()


def test_signed_in_people_can_report_a_report_to_the_moderators(client, city, category, citizen):
    report = ReportFactory(category=category, title="Rude words on a wall")
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "/moderation/flag/report/" not in page  # anonymous visitors cannot flag
    client.force_login(citizen)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert f'href="/moderation/flag/report/{report.pk}/' in page
