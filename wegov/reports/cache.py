"""Short-lived caching of public report reads (map tiles, Open311 lists).

Every cached value is stored together with the *reports data version*: a
number in the shared cache that goes up after every committed write the
public can see (a new report, a status change, a public update, a
reassignment, hiding or unhiding). A value stored under an older version is a
miss, so a change shows at once; the TTL (``SECONDS``) only bounds what no
event announces (edits in the Django admin, a category renamed) and the
moving edge of date windows.

Values are also kept for the same time in each worker's memory, so a hit
costs one small round trip to the shared cache (the version) and no copying
of a large document.
"""

from __future__ import annotations

import threading
import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import subscribe

SECONDS = 30
VERSION_KEY = "reports:data-version"
# Events after which public reads may differ (emitted after commit by services.py).
EVENTS = (
    "report.created",
    "report.status_changed",
    "report.updated",
    "report.reassigned",
    "report.hidden",
)


def _fresh_version() -> int:
    # Nanoseconds: after an eviction (or a cache flush) the counter restarts
    # above any value it had, so no stale value can match it.
    return time.time_ns()


def bump_version(**_payload) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (yet, or evicted)
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


for _event in EVENTS:
    subscribe(_event)(bump_version)


@subscribe(VISIBILITY_EVENT)
def _report_visibility_changed(kind: str = "", **_payload) -> None:
    # Moderation hides and restores reports through the registry; the cached
    # Open311 pages and map tiles must follow at once.
    if kind == "report":
        bump_version()


# Values are also kept in each worker's memory, so a hit usually fetches only
# the (tiny) version from the shared cache, not a 600 KB Open311 document.
LOCAL_MAX_CHARS = 32_000_000
_local: dict[str, tuple[int, float, object, int]] = {}  # key: (version, expires, value, size)
_local_lock = threading.Lock()
_local_size = 0


def _size(value) -> int:
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(item) for item in value)
    return 64


def _remember(version: int, values: dict) -> None:
    global _local_size
    expires = time.monotonic() + SECONDS
    with _local_lock:
        for key, value in values.items():
            size = _size(value)
            old = _local.pop(key, None)
            if old is not None:
                _local_size -= old[3]
            _local[key] = (version, expires, value, size)
            _local_size += size
        while _local_size > LOCAL_MAX_CHARS and _local:
            _local_size -= _local.pop(next(iter(_local)))[3]  # the oldest first


def clear_local() -> None:
    global _local_size
    with _local_lock:
        _local.clear()
        _local_size = 0


_raw = threading.local()


def _redis():
    """A Redis client kept for the life of the thread when the cache is Redis,
    else None. Django's RedisCache builds a new client object (~0.1 ms) for
    every operation; the two operations made on every request use this one."""
    client = getattr(_raw, "client", False)
    if client is False:
        client = None
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            client = backend._cache.get_client(write=True)
        _raw.client = client
    return client


def incr_with_expiry(key: str, timeout: int) -> int:
    """Add one to a counter that expires ``timeout`` seconds after its last use
    (one round trip with Redis); the key should name its time window."""
    client = _redis()
    if client is not None:
        raw_key = cache.make_and_validate_key(key)
        pipe = client.pipeline(transaction=True)
        pipe.incr(raw_key)
        pipe.expire(raw_key, timeout)  # the caller's key names its window
        return pipe.execute()[0]
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _version() -> int:
    client = _redis()
    if client is not None:
        raw = client.get(cache.make_and_validate_key(VERSION_KEY))
        version = None if raw is None else int(raw)  # integers are stored as text
    else:
        version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def get_many(keys: list[str]) -> tuple[int, dict]:
    """The current data version and the values stored under it, by key."""
    version = _version()
    now = time.monotonic()
    found, missing = {}, []
    for key in keys:
        entry = _local.get(key)
        if entry is not None and entry[0] == version and entry[1] > now:
            found[key] = entry[2]
        else:
            missing.append(key)
    if missing:
        shared = {
            key: value[1]
            for key, value in cache.get_many(missing).items()
            if isinstance(value, tuple) and value[0] == version
        }
        _remember(version, shared)
        found.update(shared)
    return version, found


def get(key: str):
    """The current data version, and the value stored under ``key`` for it or None."""
    version, found = get_many([key])
    return version, found.get(key)


def set_many(version: int, values: dict) -> None:
    cache.set_many({key: (version, value) for key, value in values.items()}, SECONDS)
    _remember(version, values)
