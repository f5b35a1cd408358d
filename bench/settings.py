"""The production settings plus the baseline view (bench only, never deployed).

Everything comes from the environment exactly as in production; only the URL
configuration adds ``/__bench__/fixed/<name>`` (see bench/urls.py) and the
anonymous Open311 rate limit is lifted so the load generator is not throttled.
"""

from wegov.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
WEGOV_OPEN311_ANONYMOUS_REQUESTS_PER_HOUR = 10**9
