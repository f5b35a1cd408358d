import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.tests.factories import OrganisationFactory
from wegov.core.models import AuditEntry
from wegov.processes.models import Phase, PhaseKind, Process

from .conftest import jpeg_upload
from .factories import ProcessFactory, TopicFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Each time it is asked, not once at import: a run can cross the city's midnight.
    return timezone.localdate()


FORBIDDEN = ["citizen", "other_citizen", "staff", "other_staff", "moderator"]
ALLOWED = ["process_manager", "admin_user"]


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def pages(process):
    return {
        "manage_list": ("get", reverse("processes:manage_list")),
        "manage_create": ("get", reverse("processes:manage_create")),
        "manage_detail": ("get", reverse("processes:manage_detail", args=[process.pk])),
        "manage_edit": ("get", reverse("processes:manage_edit", args=[process.pk])),
        "manage_phases": ("get", reverse("processes:manage_phases", args=[process.pk])),
        "manage_preview": ("get", reverse("processes:manage_preview", args=[process.pk])),
        "manage_publish": ("post", reverse("processes:manage_publish", args=[process.pk])),
        "manage_unpublish": ("post", reverse("processes:manage_unpublish", args=[process.pk])),
    }


def test_anonymous_visitors_are_sent_to_log_in(client):
    process = ProcessFactory(is_published=False)
    for name, (method, url) in pages(process).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login") + "?next="), name


@pytest.mark.parametrize("role", FORBIDDEN)
def test_other_roles_are_forbidden(as_role, role):
    process = ProcessFactory(is_published=False, title="Draft")
    client, _user = as_role(role)
    for name, (method, url) in pages(process).items():
        assert getattr(client, method)(url).status_code == 403, name
    process.refresh_from_db()
    assert not process.is_published
    assert not AuditEntry.objects.filter(action__startswith="process.").exists()


@pytest.mark.parametrize("role", ALLOWED)
def test_process_managers_and_administrators_are_allowed(as_role, role):
    client, _user = as_role(role)
    for name, (method, url) in pages(ProcessFactory(is_published=False)).items():
        response = getattr(client, method)(url)
        if method == "post":
            assert response.status_code == 302, name
            assert response["Location"].startswith("/processes/manage/"), name
        else:
            assert response.status_code == 200, name


def test_manage_pages_of_an_unknown_process_are_404(as_role):
    client, _user = as_role("process_manager")
    assert client.get(reverse("processes:manage_detail", args=[999999])).status_code == 404
    assert client.post(reverse("processes:manage_publish", args=[999999])).status_code == 404


def test_manage_list_shows_drafts_with_constant_queries(as_role, django_assert_max_num_queries):
    client, _user = as_role("process_manager")
    ProcessFactory(title="Public one")
    ProcessFactory(title="Hidden draft", is_published=False, phase="")
    response = client.get(reverse("processes:manage_list"))
    page = text(response)
    assert "2 processes, drafts included" in page
    assert "Hidden draft Whole city" in page and "Draft" in page and "No phases yet" in page
    assert "Public one" in page and "Published" in page
    baseline = len(_queries(client))
    for _ in range(8):
        ProcessFactory()
    with django_assert_max_num_queries(baseline):
        client.get(reverse("processes:manage_list"))


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("processes:manage_list")).status_code == 200
    return ctx.captured_queries


def form_data(**overrides):
    data = {
        "title": "Car-free Marktplein",
        "slug": "car-free-marktplein",
        "summary": "What should the square become?",
        "description": "The square becomes car-free.",
        "hero_image_alt": "",
        "scope": "city",
        "district": "",
        "topic": "",
        "organisation": OrganisationFactory().pk,
        "support_threshold": "25",
        "proposal_edit_minutes": "60",
    }
    data.update(overrides)
    return data


def test_create_a_draft_with_an_image(as_role, westwijk):
    client, manager = as_role("process_manager")
    topic = TopicFactory(name="Mobility")
    response = client.post(
        reverse("processes:manage_create"),
        form_data(
            scope="district",
            district=westwijk.pk,
            topic=topic.pk,
            hero_image=jpeg_upload(),
            hero_image_alt="The square",
            citizens_may_open_debates="on",
        ),
    )
    process = Process.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("processes:manage_phases", args=[process.pk])
    assert not process.is_published and process.created_by == manager
    assert process.district == westwijk and process.topic == topic
    assert process.citizens_may_open_debates and not process.supports_require_residence
    assert process.hero_image and process.hero_image_alt == "The square"
    assert process.description == "<p>The square becomes car-free.</p>"
    page = text(client.get(response["Location"]))
    assert "is saved as a draft. Now add its phases." in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give the process a title."),
        ({"slug": "Not a slug"}, "Use only lowercase letters, numbers and hyphens"),
        ({"slug": "manage"}, "“manage” is reserved."),
        ({"summary": "x" * 301}, "Ensure this value has at most 300 characters"),
        ({"description": "<script>alert(1)</script>"}, "Describe the process"),
        ({"scope": "district"}, "Choose the district of the process."),
        ({"organisation": ""}, "Choose the organisation that answers the proposals."),
        ({"organisation": "999999"}, "Select a valid choice."),
        ({"support_threshold": "0"}, "greater than or equal to 1"),
        ({"support_threshold": "many"}, "Enter a whole number."),
    ],
)
def test_create_with_bad_input_shows_the_reason(as_role, overrides, message):
    client, _user = as_role("process_manager")
    response = client.post(reverse("processes:manage_create"), form_data(**overrides))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and message in page
    assert not Process.objects.exists()


def test_create_with_a_taken_slug(as_role):
    ProcessFactory(slug="car-free-marktplein")
    client, _user = as_role("admin_user")
    response = client.post(reverse("processes:manage_create"), form_data())
    assert response.status_code == 400
    assert "Another process already has the address “car-free-marktplein”" in text(response)


def test_create_with_a_bad_image_and_an_image_without_description(as_role):
    client, _user = as_role("process_manager")
    response = client.post(
        reverse("processes:manage_create"),
        form_data(
            hero_image=SimpleUploadedFile("x.jpg", b"GIF89a nonsense", "image/jpeg"),
            hero_image_alt="A picture",
        ),
    )
    assert response.status_code == 400
    assert "This file is not a photo we can read" in text(response)
    response = client.post(reverse("processes:manage_create"), form_data(hero_image=jpeg_upload()))
    assert "Describe the image for people who cannot see it." in text(response)
    response = client.post(
        reverse("processes:manage_create"), form_data(title="", hero_image=jpeg_upload())
    )
    assert "add it again" in text(response)
    assert not Process.objects.exists()


def test_edit_a_process(as_role):
    process = ProcessFactory(title="Old title", slug="old")
    client, _user = as_role("process_manager")
    url = reverse("processes:manage_edit", args=[process.pk])
    page = client.get(url).content.decode()
    assert 'value="Old title"' in page
    response = client.post(
        url,
        form_data(title="New title", slug="new", organisation=process.organisation_id),
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert (process.title, process.slug) == ("New title", "new")
    assert AuditEntry.objects.filter(action="process.updated").exists()


def phase_rows(*rows, initial=0):
    data = {
        "phases-TOTAL_FORMS": str(len(rows)),
        "phases-INITIAL_FORMS": str(initial),
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "12",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"phases-{index}-{key}"] = value
    return data


def d(offset):
    return (today() + dt.timedelta(days=offset)).isoformat()


def test_phases_page_has_empty_rows_to_fill_without_javascript(as_role):
    process = ProcessFactory(phase=PhaseKind.PROPOSALS)
    client, _user = as_role("process_manager")
    response = client.get(reverse("processes:manage_phases", args=[process.pk]))
    html = response.content.decode()
    assert 'name="phases-TOTAL_FORMS" value="6"' in html  # three phases, three empty rows
    assert html.count("Remove this phase</label>") == 3
    assert "Phase 4 (new)" in html and "Phase 6 (new)" in html


def test_save_phases_with_empty_rows_ignored(as_role):
    process = ProcessFactory(phase="", is_published=False)
    client, _user = as_role("process_manager")
    response = client.post(
        reverse("processes:manage_phases", args=[process.pk]),
        phase_rows(
            {"kind": "debate", "starts_on": d(11), "ends_on": d(20)},
            {"kind": "proposals", "starts_on": d(0), "ends_on": d(10), "title": "Ideas"},
            {"kind": "", "starts_on": "", "ends_on": "", "title": "", "description": ""},
        ),
    )
    assert response.status_code == 302
    assert list(process.phases.values_list("kind", "position")) == [
        ("proposals", 0),
        ("debate", 1),
    ]
    process.refresh_from_db()
    assert process.starts_on == today()


def test_remove_and_change_phases(as_role):
    process = ProcessFactory(phase=PhaseKind.PROPOSALS)
    first, active, last = process.phases.order_by("position")
    client, _user = as_role("process_manager")
    rows = [
        {
            "id": str(p.pk),
            "kind": p.kind,
            "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(),
        }
        for p in (first, active, last)
    ]
    rows[2]["DELETE"] = "on"
    rows[1]["ends_on"] = d(40)
    response = client.post(
        reverse("processes:manage_phases", args=[process.pk]), phase_rows(*rows, initial=3)
    )
    assert response.status_code == 302
    assert list(process.phases.values_list("pk", flat=True)) == [first.pk, active.pk]
    process.refresh_from_db()
    assert process.ends_on == today() + dt.timedelta(days=40)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"kind": "debate", "starts_on": d(5), "ends_on": d(1)}],
            "Phase 1: The phase must end on or after the day it starts.",
        ),
        ([{"kind": "", "starts_on": d(0), "ends_on": d(1)}], "Choose what kind of phase it is."),
        (
            [{"kind": "debate", "starts_on": "", "ends_on": d(1)}],
            "Enter the date the phase starts.",
        ),
        ([{"kind": "debate", "starts_on": "soon", "ends_on": d(1)}], "Enter a date like"),
        ([{"kind": "party", "starts_on": d(0), "ends_on": d(1)}], "Select a valid choice."),
        (
            [
                {"kind": "information", "starts_on": d(0), "ends_on": d(10)},
                {"kind": "debate", "starts_on": d(5), "ends_on": d(20)},
            ],
            "Phase 1 (Information) and Phase 2 (Debate) overlap",
        ),
    ],
)
def test_bad_phases_show_the_reason_and_save_nothing(as_role, rows, message):
    process = ProcessFactory(phase="", is_published=False)
    client, _user = as_role("process_manager")
    response = client.post(reverse("processes:manage_phases", args=[process.pk]), phase_rows(*rows))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and message in page
    assert not process.phases.exists()


def test_a_tampered_management_form_is_a_clear_error(as_role):
    process = ProcessFactory(phase="", is_published=False)
    client, _user = as_role("process_manager")
    response = client.post(reverse("processes:manage_phases", args=[process.pk]), {})
    assert response.status_code == 400
    assert "There is a problem" in text(response)


def test_publish_and_unpublish_from_the_back_office(as_role):
    process = ProcessFactory(is_published=False, title="Car-free Marktplein")
    client, _user = as_role("process_manager")
    detail = reverse("processes:manage_detail", args=[process.pk])
    assert "Publish" in text(client.get(detail))
    response = client.post(reverse("processes:manage_publish", args=[process.pk]), follow=True)
    assert "“Car-free Marktplein” is published." in text(response)
    process.refresh_from_db()
    assert process.is_published
    response = client.post(reverse("processes:manage_publish", args=[process.pk]), follow=True)
    assert "This process is already published." in text(response)
    response = client.post(reverse("processes:manage_unpublish", args=[process.pk]), follow=True)
    assert "is no longer published" in text(response)
    process.refresh_from_db()
    assert not process.is_published


def test_publishing_without_phases_says_what_to_do(as_role):
    process = ProcessFactory(is_published=False, phase="")
    client, _user = as_role("process_manager")
    page = text(client.get(reverse("processes:manage_detail", args=[process.pk])))
    assert "Add at least one phase with dates before publishing" in page
    response = client.post(reverse("processes:manage_publish", args=[process.pk]), follow=True)
    assert "Add at least one phase with dates before publishing the process." in text(response)
    process.refresh_from_db()
    assert not process.is_published


def test_get_on_publish_is_refused(as_role):
    process = ProcessFactory(is_published=False)
    client, _user = as_role("process_manager")
    assert client.get(reverse("processes:manage_publish", args=[process.pk])).status_code == 405


def test_preview_of_a_draft(as_role):
    process = ProcessFactory(is_published=False, title="Draft plan")
    client, _user = as_role("process_manager")
    response = client.get(reverse("processes:manage_preview", args=[process.pk]))
    page = text(response)
    assert "Preview" in page and "The process is not published" in page
    assert "Draft plan" in page and "What you can do now" in page


def test_phase_rows_are_limited(as_role):
    process = ProcessFactory(phase="", is_published=False)
    client, _user = as_role("process_manager")
    rows = [{"kind": "information", "starts_on": d(i * 2), "ends_on": d(i * 2)} for i in range(13)]
    response = client.post(reverse("processes:manage_phases", args=[process.pk]), phase_rows(*rows))
    assert response.status_code == 400
    assert not Phase.objects.exists()
