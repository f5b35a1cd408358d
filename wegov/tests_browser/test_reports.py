"""Reporting a problem in a browser, with and without JavaScript; the report list."""

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image

from wegov.reports.models import Report
from wegov.reports.tests.factories import CategoryFactory, ReportFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
});
"""


@pytest.fixture
def category(department):
    return CategoryFactory(
        department=department, name="Pothole", service_code="pothole", group="Roads"
    )


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (40, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def watch(page):
    """Collect console errors, uncaught errors and CSP violations of the page.
    Map tiles come from another host, which the tests block: those are expected."""
    problems = []

    def local(url):
        return urlsplit(url).hostname in {"localhost", "127.0.0.1"}

    def on_console(msg):
        blocked = "ERR_BLOCKED_BY_CLIENT" in msg.text
        if msg.type == "error" and not blocked and local(msg.location.get("url") or page.url):
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "requestfailed",
        lambda request: local(request.url) and problems.append(f"failed: {request.url}"),
    )
    return problems


def csp_violations(page):
    return page.evaluate("() => window.__cspViolations || []")


def test_report_a_problem_with_javascript(new_context, live_server, city, category, citizen):
    earlier = ReportFactory(
        category=category,
        title="Deep hole in the cycle path",
        description="A deep hole in the cycle path; cyclists swerve.",
        lat=52.155,
        lon=5.39,
    )
    context = new_context()
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    problems = watch(page)

    page.goto("/reports/new/")
    page.locator("#report-map.leaflet-container").wait_for()
    axe_check(page)
    page.locator("#report-map").click()
    assert page.input_value("#id_lat") != "" and page.input_value("#id_lon") != ""
    assert page.locator("#report-map .leaflet-marker-icon").count() == 1
    page.select_option("#id_category", "pothole")
    page.fill("#id_title", "Deep hole in the cycle path")
    page.fill("#id_description", "A deep hole; cyclists swerve around it.")
    page.locator("#id_address").fill("Near the bakery")  # a change event elsewhere
    # The likely duplicates show up while writing.
    page.locator("#duplicates-live").get_by_role("link", name=earlier.title).wait_for()
    axe_check(page)

    submit(page, "#report-start")
    assert page.locator("h1").inner_text() == "Is it one of these?"
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="No, continue with my report").click()
    assert page.locator("h1").inner_text() == "Tell us more"
    axe_check(page)
    page.set_input_files(
        "#id_photos", files=[{"name": "hole.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Submit report").click()

    report = Report.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert page.locator("h1").inner_text() == "Deep hole in the cycle path"
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert page.locator("img[alt='Photo 1 of the problem']").is_visible()
    assert report.photos.count() == 1 and report.reporter == citizen
    page.locator(".wegov-map.leaflet-container").wait_for()
    axe_check(page)
    assert not problems, problems
    assert not csp_violations(page)


def test_report_list_with_map(new_context, live_server, city, category):
    ReportFactory(category=category, title="<b>Bold</b> claim", lat=52.155, lon=5.39)
    ReportFactory(category=category, title="Second problem", lat=52.168, lon=5.372)
    context = new_context()
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    problems = watch(page)
    page.goto("/reports/", wait_until="networkidle")
    assert page.get_by_role("link", name="<b>Bold</b> claim").is_visible()
    page.locator("#reports-map.leaflet-container").wait_for()
    # The map shows the list's reports; the popup shows the title as text.
    markers = page.locator("#reports-map .leaflet-marker-icon")
    markers.first.wait_for()
    axe_check(page)
    page.locator("#reports-map .leaflet-marker-icon[alt='<b>Bold</b> claim']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.get_by_role("link", name="<b>Bold</b> claim").is_visible()
    assert popup.locator("b").count() == 0
    # Filters are a plain GET form.
    page.fill("#id_lat", "52.155")
    page.fill("#id_lon", "5.39")
    submit(page, "#report-filters")
    assert "lat=52.155" in page.url
    assert page.locator("#results").inner_text().startswith("1 report")
    axe_check(page)
    assert not problems, problems
    assert not csp_violations(page)


def test_a_hidden_report_shows_its_public_reason(new_context, live_server, city, category):
    hidden = ReportFactory(
        category=category,
        title="Names a neighbour",
        is_hidden=True,
        hidden_reason="It named a private person.",
    )
    page = new_context().new_page()
    page.goto(f"/reports/{hidden.pk}/")
    assert page.locator("h1").inner_text() == "This report is hidden"
    assert "It named a private person." in page.locator("main").inner_text()
    assert "Names a neighbour" not in page.content()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="All reports").click()
    assert page.url.endswith("/reports/")


def test_report_a_problem_without_javascript(no_js_page, city, category):
    page = no_js_page
    page.goto("/reports/new/")
    assert not page.locator("#report-map").is_visible()
    page.fill("#id_lat", "52.1561")
    page.fill("#id_lon", "5.3878")
    page.fill("#id_address", "Kerkstraat 12")
    page.select_option("#id_category", "pothole")
    page.fill("#id_title", "Broken bench")
    page.fill("#id_description", "The seat is split in two.")
    submit(page, "#report-start")
    assert page.locator("h1").inner_text() == "Tell us more"
    page.fill("#id_email", "walker@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit report").click()
    report = Report.objects.get()
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert report.address == "Kerkstraat 12" and report.is_anonymous
    assert "walker@example.org" not in page.content()
    assert "Kerkstraat 12" in page.content()
