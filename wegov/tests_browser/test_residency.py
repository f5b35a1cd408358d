"""Residence verification in a browser: a citizen verifies with a code letter
(after a wrong code), the census form's errors, and the staff desk; axe-core
clean on every page (WCAG 2.1 A/AA)."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import enable_totp
from wegov.residency import services
from wegov.residency.models import CensusList, Residence
from wegov.residency.tests.factories import CensusListFactory, census_entry

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


def test_citizen_verifies_with_a_code_letter(new_context, live_server, city, citizen, admin_user):
    _batch, codes = services.code_batch_create(
        actor=admin_user,
        district=city,
        size=2,
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/me/residence/")
    assert page.locator("h1").inner_text() == "Your residence"
    assert "You are not a verified resident yet." in page.locator("#residence-status").inner_text()
    axe_check(page)
    # A wrong code: the reason, linked from the error summary; still accessible.
    page.get_by_label("Code from your letter").fill("ABCD-EFGH-JKMN")
    submit(page, "#code-form")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "This code is not valid" in page.locator(".govuk-error-summary").inner_text()
    assert "You have 4 attempts left this hour." in page.content()
    axe_check(page)
    page.get_by_label("Code from your letter").fill(codes[0].lower())
    submit(page, "#code-form")
    assert page.url.endswith("/me/residence/")
    assert "You are now a verified resident of Centrum." in page.content()
    assert (
        "You are a verified resident of Centrum" in page.locator("#residence-status").inner_text()
    )
    assert "Code letter" in page.locator("#residence-summary").inner_text()
    axe_check(page)
    residence = Residence.objects.get(user=citizen)
    assert residence.district == city and residence.method == "code_letter"


def test_census_form_errors_and_success(new_context, live_server, city, citizen):
    census_entry(CensusListFactory(), city, identifier="AB123456", birth=dt.date(1980, 2, 29))
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/me/residence/")
    page.get_by_label("Identification number").fill("AB123456")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1980")
    submit(page, "#census-form")
    summary = page.locator(".govuk-error-summary")
    assert "Date of birth must be a real date" in summary.inner_text()
    assert page.input_value("#census-identifier") == ""  # never sent back
    axe_check(page)
    page.get_by_label("Identification number").fill("ab-123-456")
    page.get_by_label("Day").fill("29")
    submit(page, "#census-form")
    assert "You are now a verified resident of Centrum." in page.content()
    assert Residence.objects.get(user=citizen).method == "census"


def test_staff_desk_census_and_codes(new_context, live_server, city, citizen, admin_user):
    enable_totp(admin_user)
    context = new_context()
    log_in_session(context, live_server.url, admin_user)
    page = context.new_page()
    page.goto("/residency/desk/")
    axe_check(page)
    page.get_by_label("Email address of the person’s account").fill(citizen.email)
    submit(page, "#desk-search-form")
    assert page.locator("h1").inner_text() == citizen.display_name
    axe_check(page)
    page.get_by_label("District the person lives in").select_option(label="Centrum")
    page.get_by_label(
        "I saw an identity document or a proof of address showing this district"
    ).check()
    submit(page, "#verify-form")
    assert "is now a verified resident of Centrum" in page.content()
    axe_check(page)
    submit(page, "#revoke-form")
    assert "is no longer a verified resident" in page.content()
    assert not Residence.objects.exists()

    page.goto("/residency/census/")
    axe_check(page)
    page.get_by_label("Name of the list").fill("Census test")
    page.set_input_files(
        "#census-upload-file",
        files=[
            {
                "name": "census.csv",
                "mimeType": "text/csv",
                "buffer": f"identifier_hash,district_slug\n{'a' * 64},centrum\n".encode(),
            }
        ],
    )
    submit(page, "#census-upload-form")
    assert "“Census test” is active with 1 entries." in page.content()
    assert CensusList.objects.get().entry_count == 1
    axe_check(page)

    page.goto("/residency/codes/")
    axe_check(page)
    page.get_by_label("District the letters go to").select_option(label="Centrum")
    page.get_by_label("Number of codes").fill("3")
    submit(page, "#code-batch-form")
    assert page.locator("h1").inner_text() == "Codes to print"
    assert page.locator("#codes code").count() == 3
    axe_check(page)
