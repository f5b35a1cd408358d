"""Pages work under the strict Content-Security-Policy, and forms work without JavaScript."""

import pytest

from .support import log_in_session, submit

pytestmark = pytest.mark.browser

# Reports Content-Security-Policy violations (and the blocked URI) to the test.
# Init scripts are injected by the browser itself, so the policy does not apply.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
    + ` (${event.sourceFile}:${event.lineNumber})`);
});
"""


@pytest.mark.parametrize(
    ("path", "logged_in"),
    [
        ("/", False),
        ("/accounts/login/", False),
        ("/accounts/signup/", False),
        ("/", True),
        ("/me/tokens/", True),
        ("/accounts/2fa/", True),
        ("/accounts/reauthenticate/", True),
    ],
)
def test_no_console_errors_or_csp_violations(new_context, live_server, citizen, path, logged_in):
    context = new_context()
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    if logged_in:
        log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type in {"error", "warning"} and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    response = page.goto(path, wait_until="networkidle")
    assert response.status == 200
    assert page.url.endswith(path)
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy, policy
    problems += page.evaluate("() => window.__cspViolations")
    assert not problems, "\n".join(problems)
    # The scripts ran: GOV.UK Frontend's "JavaScript is on" class is set.
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")


def test_sign_up_without_javascript(no_js_page):
    page = no_js_page
    page.goto("/accounts/signup/")
    submit(page, "form:has(input[name=password1])")
    assert page.url.endswith("/accounts/signup/")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "privacy notice" in summary.inner_text()
    assert page.title().startswith("Error")

    page.fill("input[name=email]", "no-js@example.org")
    page.fill("input[name=display_name]", "No Script")
    page.fill("input[name=password1]", "a long enough passphrase 77")
    page.fill("input[name=password2]", "a long enough passphrase 77")
    page.check("input[name=privacy_consent]")
    submit(page, "form:has(input[name=password1])")
    assert "/accounts/confirm-email/" in page.url


def test_log_in_without_javascript(no_js_page, citizen, password):
    page = no_js_page
    page.goto("/accounts/login/")
    submit(page, "form:has(input[name=password])")
    assert page.locator(".govuk-error-summary, .govuk-error-message").first.is_visible()

    page.fill("input[name=login]", citizen.email)
    page.fill("input[name=password]", "wrong " + password)
    submit(page, "form:has(input[name=password])")
    assert page.url.endswith("/accounts/login/")
    assert page.locator(".govuk-error-summary, .govuk-error-message").first.is_visible()

    page.fill("input[name=password]", password)
    submit(page, "form:has(input[name=password])")
    assert citizen.display_name in page.locator("#navigation").inner_text()


def test_error_summary_links_focus_the_field(page):
    page.goto("/accounts/signup/")
    submit(page, "form:has(input[name=password1])")
    first_link = page.locator(".govuk-error-summary a").first
    target = first_link.get_attribute("href")
    first_link.click()
    assert page.evaluate("() => '#' + document.activeElement.id") == target
