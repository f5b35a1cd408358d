"""Readiness checks behind /healthz."""

import uuid

from django.core.cache import cache
from django.db import connection


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"database unreachable: {exc.__class__.__name__}"
    return None


def check_cache() -> str | None:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=5)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:
        return f"cache unreachable: {exc.__class__.__name__}"
    return None if ok else "cache did not return what was stored"


def run_checks() -> dict[str, str]:
    """Name of each check -> "ok" or the reason it failed."""
    results = {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        problem = check()
        results[name] = problem or "ok"
    return results
