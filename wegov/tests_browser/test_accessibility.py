"""Every page passes axe-core's WCAG 2.1 A and AA rules."""

import pytest

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/privacy/", "/accessibility/"]
PUBLIC_PAGES += ["/contact/", "/accounts/password/reset/"]
ACCOUNT_PAGES = ["/me/data/", "/me/tokens/", "/me/profile/", "/me/delete/", "/accounts/2fa/"]
ACCOUNT_PAGES += ["/accounts/email/", "/accounts/password/change/", "/accounts/reauthenticate/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page(page, path):
    response = page.goto(path)
    assert response.status == 200
    axe_check(page)


def test_account_pages(page, live_server, citizen):
    log_in_session(page.context, live_server.url, citizen)
    for path in ACCOUNT_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.url.endswith(path), f"{path} redirected to {page.url}"
        axe_check(page)


def test_own_public_profile(page, live_server, citizen):
    log_in_session(page.context, live_server.url, citizen)
    page.goto(f"/people/{citizen.public_id}/")
    assert page.locator("h1").inner_text() == citizen.public_name
    axe_check(page)


def test_forms_with_errors(page, live_server, citizen):
    page.goto("/accounts/signup/")
    submit(page, "form:has(input[name=password1])")
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)

    page.goto("/accounts/login/")
    page.fill("input[name=login]", citizen.email)
    page.fill("input[name=password]", "not the password")
    submit(page, "form:has(input[name=password])")
    assert page.locator(".govuk-error-summary, .govuk-error-message").first.is_visible()
    axe_check(page)

    log_in_session(page.context, live_server.url, citizen)
    page.goto("/me/tokens/")
    submit(page, "form:has(input[name=name])")
    assert page.locator(".govuk-error-message").first.is_visible()
    axe_check(page)

    page.goto("/me/delete/")
    submit(page, "form:has(input[name=password])")
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)


def test_new_api_token_shown_once(page, live_server, citizen):
    log_in_session(page.context, live_server.url, citizen)
    page.goto("/me/tokens/")
    page.fill("input[name=name]", "My script")
    submit(page, "form:has(input[name=name])")
    assert page.locator("#new-token").is_visible()
    axe_check(page)


def test_not_found_page(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert "Page not found" in page.locator("h1").inner_text()
    axe_check(page)


def test_forbidden_page(page, live_server, citizen):
    log_in_session(page.context, live_server.url, citizen)
    response = page.goto("/__test__/forbidden/")
    assert response.status == 403
    assert "You cannot do this" in page.locator("h1").inner_text()
    axe_check(page)


def test_admin_refuses_citizen(page, live_server, citizen):
    """A citizen who tries the admin gets the admin's log-in page, not the admin."""
    log_in_session(page.context, live_server.url, citizen)
    page.goto("/admin/")
    assert "/admin/login/" in page.url


def test_server_error_page(page, caplog):
    caplog.set_level("CRITICAL", logger="django.request")
    response = page.goto("/__test__/server-error/")
    assert response.status == 500
    assert "problem with the service" in page.locator("h1").inner_text()
    # The 500 page is rendered without a request: it still gets the stylesheet.
    assert page.evaluate("() => document.styleSheets.length") >= 1
    axe_check(page)


def test_small_screen_with_menu_open(new_context, live_server, citizen):
    """At phone width the account links fold into a menu button; both states pass."""
    context = new_context(viewport={"width": 360, "height": 740})
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/me/data/")
    axe_check(page)
    toggle = page.locator(".govuk-js-service-navigation-toggle, .govuk-js-header-toggle").first
    assert toggle.is_visible()
    assert not page.locator("#navigation").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#navigation").is_visible()
    axe_check(page)
    # Nothing wider than the screen (WCAG 1.4.10 reflow at 320 CSS px).
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a 320px screen"
