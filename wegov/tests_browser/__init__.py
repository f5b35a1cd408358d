"""Browser tests: Playwright on Debian chromium, with axe-core accessibility checks.

Run them alone with ``pytest wegov/tests_browser -p no:randomly``; ``make test`` runs
them in one xdist worker (``--dist loadgroup``).
"""
