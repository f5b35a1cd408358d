"""Every test starts at one chosen moment, with the clock ticking: ``WEGOV_TEST_CLOCK``.

A test that mixes a UTC date with the city's local one passes most of the day and fails in
the hours where the two dates differ (23:00-24:00 UTC in Amsterdam's winter), or on the day
the clocks change. CI runs the suite twice, once per database, and starts each run's clock
at one of those moments (`.ci/run`), so such a test fails on every run instead of one in
twenty-four.

The value is an ISO 8601 moment with a time zone (``2026-12-31T23:40:00Z``) or the name of
one of the hard moments, the next one after today in the city's time zone:

- ``year-end``: 00:40 on 1 January in the city, when the UTC date, month and year are still
  those of 31 December (23:40 UTC in Amsterdam);
- ``dst-start``: ten minutes before the clocks go forward in the city (00:50 UTC on the
  last Sunday of March in Amsterdam), so "an hour from now" crosses the change.

pytest prints the moment in its header; ``WEGOV_TEST_CLOCK=<that moment>`` reproduces a run.
Unset, tests see the real time. time-machine moves ``time.time``, ``datetime.now`` and
friends in every thread (the live server's too); monotonic clocks and the database server's
``now()`` are not moved, and nothing in the site reads the latter.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import zoneinfo

ENVIRONMENT_VARIABLE = "WEGOV_TEST_CLOCK"


@functools.cache
def start_moment() -> dt.datetime | None:
    """The moment every test starts at, or None for the real time."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    from django.conf import settings

    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = dt.datetime.now(dt.UTC)
    if value == "year-end":
        return year_end(zone, after=today)
    if value == "dst-start":
        return dst_start(zone, after=today)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE}={value!r}: expected 'year-end', 'dst-start' or an "
            "ISO 8601 moment with a time zone, such as 2026-12-31T23:40:00Z"
        )
    return moment.astimezone(dt.UTC)


def year_end(zone: zoneinfo.ZoneInfo, *, after: dt.datetime) -> dt.datetime:
    """00:40 on the next 1 January in ``zone``, as a UTC moment."""
    year = after.astimezone(zone).year + 1
    return dt.datetime(year, 1, 1, 0, 40, tzinfo=zone).astimezone(dt.UTC)


def dst_start(zone: zoneinfo.ZoneInfo, *, after: dt.datetime) -> dt.datetime:
    """Ten minutes before the next moment ``zone``'s clocks go forward, as a UTC moment."""
    step = dt.timedelta(hours=1)
    moment = after.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    for _ in range(24 * 366 * 2):
        later = moment + step
        if later.astimezone(zone).utcoffset() > moment.astimezone(zone).utcoffset():
            # The change happens at a whole hour in every zone that has one here.
            return later - dt.timedelta(minutes=10)
        moment = later
    raise ValueError(f"{zone.key} does not change its clocks: use an ISO moment instead")
