"""Fixtures for the browser tests: one chromium for them all, a fresh context per test.

Chromium is Debian's (/usr/bin/chromium); Playwright never downloads a browser.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .support import AXE_JS, route_request

CHROMIUM = os.environ.get("WEGOV_CHROMIUM", "/usr/bin/chromium")
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser():
    """One chromium for the browser tests, stopped after the last of them.

    While Playwright's sync API is started it keeps an asyncio loop running in
    the main thread, so Django refuses ORM calls from the tests and fixtures
    (SynchronousOnlyOperation); nothing here is actually async. The switch is
    on only while the browser runs: package scope ends both before the other
    tests of the same xdist worker (whose subprocesses inherit the environment:
    ``check --deploy`` rejects the variable).
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    # Without axe-core every axe check would wait for ever on a script that is
    # never served; say what is missing instead.
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `make install` (npm ci)"
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def new_context(browser, live_server, settings):
    """Make browser contexts on the live server; all are closed after the test."""
    settings.ROOT_URLCONF = "wegov.tests_browser.urls"
    contexts = []

    def make(**kwargs):
        kwargs.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=live_server.url, **kwargs)
        context.set_default_timeout(10_000)
        context.route("**/*", route_request)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context, with JavaScript and the real Content-Security-Policy."""
    return new_context().new_page()


@pytest.fixture
def no_js_page(new_context):
    return new_context(java_script_enabled=False).new_page()
