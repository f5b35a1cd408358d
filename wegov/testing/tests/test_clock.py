"""The hard moments CI starts its clocks at, and that the clock really moves."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from wegov.testing import clock

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


def test_year_end_is_new_year_in_the_city_and_still_the_old_year_in_utc():
    moment = clock.year_end(AMSTERDAM, after=dt.datetime(2026, 12, 8, 12, tzinfo=UTC))
    assert moment == dt.datetime(2026, 12, 31, 23, 40, tzinfo=UTC)
    assert moment.astimezone(AMSTERDAM).date() == dt.date(2027, 1, 1)


def test_year_end_on_new_year_itself_is_the_next_one():
    moment = clock.year_end(AMSTERDAM, after=dt.datetime(2026, 12, 31, 23, 50, tzinfo=UTC))
    assert moment == dt.datetime(2027, 12, 31, 23, 40, tzinfo=UTC)


def test_dst_start_is_ten_minutes_before_the_clocks_go_forward():
    moment = clock.dst_start(AMSTERDAM, after=dt.datetime(2026, 12, 8, 12, tzinfo=UTC))
    # The last Sunday of March 2027, 02:00 CET becomes 03:00 CEST (01:00 UTC).
    assert moment == dt.datetime(2027, 3, 28, 0, 50, tzinfo=UTC)
    assert moment.astimezone(AMSTERDAM).utcoffset() == dt.timedelta(hours=1)
    after_an_hour = (moment + dt.timedelta(hours=1)).astimezone(AMSTERDAM)
    assert after_an_hour.utcoffset() == dt.timedelta(hours=2)


def test_a_zone_without_summer_time_has_no_dst_start():
    with pytest.raises(ValueError, match="does not change its clocks"):
        clock.dst_start(zoneinfo.ZoneInfo("UTC"), after=dt.datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-31T23:40:00Z", dt.datetime(2026, 12, 31, 23, 40, tzinfo=UTC)),
        ("2027-03-28T02:50:00+02:00", dt.datetime(2027, 3, 28, 0, 50, tzinfo=UTC)),
    ],
)
def test_an_iso_moment_is_taken_as_given(monkeypatch, value, expected):
    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, value)
    clock.start_moment.cache_clear()
    try:
        assert clock.start_moment() == expected
    finally:
        clock.start_moment.cache_clear()


@pytest.mark.parametrize("value", ["2026-12-31T23:40:00", "tomorrow", "2026-13-01T00:00Z"])
def test_a_moment_without_a_zone_or_unknown_is_refused(monkeypatch, value):
    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, value)
    clock.start_moment.cache_clear()
    try:
        with pytest.raises(ValueError, match="expected 'year-end', 'dst-start'"):
            clock.start_moment()
    finally:
        clock.start_moment.cache_clear()


def test_the_test_clock_starts_where_it_was_set_and_ticks():
    """Under WEGOV_TEST_CLOCK each test starts at that moment (a second at most later)."""
    moment = clock.start_moment()
    now = timezone.now()
    if moment is None:
        assert abs(now - dt.datetime.now(UTC)) < dt.timedelta(seconds=1)
    else:
        assert moment <= now < moment + dt.timedelta(seconds=30)
