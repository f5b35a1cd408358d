import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["core:home", "core:privacy", "core:accessibility", "core:contact"]
)
def test_public_pages_render_with_landmarks(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<main class="govuk-main-wrapper" id="main-content"' in page
    assert 'href="#main-content"' in page  # skip link
    assert "<header" in page and "<footer" in page
    assert page.count("<h1") == 1
    assert "Lindenbrug" in page


def test_privacy_page_shows_notice_version(client, settings):
    settings.WEGOV_PRIVACY_NOTICE_VERSION = "2031-02"
    assert "2031-02" in client.get(reverse("core:privacy")).content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Inloggen"), ("de", "Anmelden"), ("it", "Accedi"), ("en", "Log in")],
)
def test_language_switcher(client, language, text):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert f'<html lang="{language}"' in page
    assert text in page


def test_404_page_is_styled_and_translated(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert "Pagina niet gevonden" in client.get("/no-such-page/").content.decode()


def test_api_404_is_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_500_page_renders_without_a_database():
    from wegov.core.views import server_error

    class Request:
        path = "/somewhere/"

    response = server_error(Request())
    assert response.status_code == 500
    assert "problem with the service" in response.content.decode()


def test_csrf_failure_is_403_not_500(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile"), {"display_name": "x"})
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.display_name == "Anna Citizen"


def test_profile_update_and_errors(client, citizen):
    client.force_login(citizen)
    url = reverse("accounts:profile")
    response = client.post(url, {"display_name": "", "preferred_language": "nl"})
    assert response.status_code == 200
    assert "govuk-form-group--error" in response.content.decode()
    response = client.post(url, {"display_name": "Anna B.", "preferred_language": "xx"})
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.display_name == "Anna Citizen"
    response = client.post(url, {"display_name": "Anna B.", "preferred_language": "nl"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.display_name, citizen.preferred_language) == ("Anna B.", "nl")


def test_header_shows_display_name_never_email(client, citizen):
    client.force_login(citizen)
    page = client.get("/").content.decode()
    assert citizen.display_name in page
    assert citizen.email not in page


def test_home_page_query_count(client, citizen, django_assert_max_num_queries):
    client.force_login(citizen)
    with django_assert_max_num_queries(8):
        client.get("/")
