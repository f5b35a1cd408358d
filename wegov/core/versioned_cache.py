"""Short-lived caches that a committed change empties at once.

A ``VersionedCache`` stores every value together with its *data version*: a
number in the shared cache that goes up (``bump()``) after every write the
readers of that cache can see. A value stored under an older version is a
miss, so a change shows at once; the TTL (``seconds``) only bounds what no
write announces.

Values are also kept for the same time in each worker's memory, so a hit
costs one small round trip to the shared cache (the version) and no copying
of a large document out of Redis.

The reports' map tiles and Open311 answers (``wegov.reports.cache``) and the
pages served to visitors who are not signed in (``wegov.core.pagecache``) are
two such caches.
"""

from __future__ import annotations

import threading
import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

__all__ = ["VersionedCache", "incr_with_expiry"]

_raw = threading.local()


def _redis():
    """A Redis client kept for the life of the thread when the cache is Redis,
    else None. Django's RedisCache builds a new client object (~0.1 ms) for
    every operation; the operations made on every request use this one."""
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


def _fresh_version() -> int:
    # Nanoseconds: after an eviction (or a cache flush) the counter restarts
    # above any value it had, so no stale value can match it.
    return time.time_ns()


def _size(value) -> int:
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(item) for item in value)
    return 64


class VersionedCache:
    def __init__(self, name: str, *, seconds: int = 30, local_max_chars: int = 32_000_000):
        self.name = name
        self.seconds = seconds
        self.version_key = f"{name}:data-version"
        self.local_max_chars = local_max_chars
        self._local: dict[
            str, tuple[int, float, object, int]
        ] = {}  # (version, expires, value, size)
        self._local_lock = threading.Lock()
        self._local_size = 0

    # --- the version ---------------------------------------------------------------

    def bump(self, **_payload) -> None:
        """A change readers can see was committed: every stored value is stale."""
        try:
            cache.incr(self.version_key)
        except ValueError:  # not there (yet, or evicted)
            cache.set(self.version_key, _fresh_version(), timeout=None)

    def version(self) -> int:
        client = _redis()
        if client is not None:
            raw = client.get(cache.make_and_validate_key(self.version_key))
            version = None if raw is None else int(raw)  # integers are stored as text
        else:
            version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, _fresh_version(), timeout=None)
            version = cache.get(self.version_key)
        return version

    # --- values --------------------------------------------------------------------

    def get_many(self, keys: list[str]) -> tuple[int, dict]:
        """The current data version and the values stored under it, by key."""
        version = self.version()
        now = time.monotonic()
        found, missing = {}, []
        for key in keys:
            entry = self._local.get(key)
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
            self._remember(version, shared)
            found.update(shared)
        return version, found

    def get(self, key: str):
        """The current data version, and the value stored under ``key`` for it or None."""
        version, found = self.get_many([key])
        return version, found.get(key)

    def set_many(self, version: int, values: dict) -> None:
        cache.set_many({key: (version, value) for key, value in values.items()}, self.seconds)
        self._remember(version, values)

    # --- this worker's copies ------------------------------------------------------

    def _remember(self, version: int, values: dict) -> None:
        expires = time.monotonic() + self.seconds
        with self._local_lock:
            for key, value in values.items():
                size = _size(value)
                old = self._local.pop(key, None)
                if old is not None:
                    self._local_size -= old[3]
                self._local[key] = (version, expires, value, size)
                self._local_size += size
            while self._local_size > self.local_max_chars and self._local:
                # The oldest first (dicts keep insertion order).
                self._local_size -= self._local.pop(next(iter(self._local)))[3]

    def clear_local(self) -> None:
        with self._local_lock:
            self._local.clear()
            self._local_size = 0
