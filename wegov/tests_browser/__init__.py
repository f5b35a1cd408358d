"""Browser tests: Playwright on Debian chromium, with axe-core accessibility checks.

Run them alone with ``make test-browser`` (or ``pytest wegov/tests_browser``). In
``make test`` they run first, spread over both xdist workers, each with its own chromium
and live server (``--dist load``; the root conftest orders them).
"""
