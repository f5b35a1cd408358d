"""Helpers for the browser tests: axe-core checks, logging in, reading forms."""

import functools
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import BrowserContext, Page, Route

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# axe-core is served from this same-origin path by the context's route handler, so
# it loads under the real Content-Security-Policy (script-src 'self'); no bypass.
AXE_PATH = "/__test__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def route_request(route: Route) -> None:
    """Let requests to the live server through, serve axe-core, block the rest.

    Nothing leaves the machine: map tiles, fonts or analytics on other hosts
    are aborted, so a page that depends on them shows it in the tests.
    """
    parts = urlsplit(route.request.url)
    if parts.hostname not in LOCAL_HOSTS:
        route.abort("blockedbyclient")
    elif parts.path == AXE_PATH:
        route.fulfill(
            status=200,
            content_type="application/javascript; charset=utf-8",
            body=_axe_source(),
        )
    else:
        route.continue_()


@functools.cache
def _axe_source() -> bytes:
    return AXE_JS.read_bytes()


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe-core WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact') or 'n/a'}]: {violation['help']} "
            f"({len(violation['nodes'])} element(s)) {violation['helpUrl']}"
        )
        for node in violation["nodes"][:3]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            lines.append(f"    {target}  {node['html'][:160]}")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    … and {len(violation['nodes']) - 3} more")
    return "\n".join(lines)


def axe_check(page: Page, *, disable_rules: tuple[str, ...] = ()) -> None:
    """Run axe-core on the current page; fail listing every WCAG 2.1 A/AA violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + AXE_PATH)
    # Let finite CSS transitions end first (a map popup fading out measures as grey
    # on grey halfway through); endless animations are not waited for.
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null)))"""
    )
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    result = page.evaluate("options => window.axe.run(document, options)", options)
    violations = result["violations"]
    assert not violations, _format_violations(page.url, violations)


def submit(page: Page, form_selector: str) -> None:
    """Click the submit button of the form and wait for the next page."""
    form = page.locator(form_selector)
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    submit(page, "form:has(input[name=password])")


def log_in_session(context: BrowserContext, base_url: str, user) -> None:
    """Log the user in without the form: a session made by the test client."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )
