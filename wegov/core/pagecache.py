"""Whole pages for visitors who are not signed in, from a short-lived cache.

Everybody who is not signed in sees the same page for the same address and
language: the process pages, the proposal lists, a proposal with its comments.
``@cache_for_visitors()`` keeps such a rendered page in ``public_pages`` (a
``VersionedCache``) and answers the next visitor from it. A signed-in person,
a visitor with a message waiting ("Thank you for ..."), an htmx partial and any
answer but a plain 200 are never cached.

*Invalidation.* The apps whose rows these pages show call
``bump_on_changes(Model, ...)`` and ``bump_on_events(name, ...)``: every save or
delete of those models, and every such domain event, bumps the pages' data
version, so the next visitor sees the change. A save bumps twice: at once (so
a page rendered while the transaction is open is dropped too) and again after
commit (so a page rendered from the old rows in the meantime is dropped).
Writes that are neither a model save nor an event (the ``F()`` counters of
supports and comment votes) show within ``SECONDS + STALE_SECONDS``.

*The CSRF token.* Pages hold forms (the language switcher is on every page),
and each visitor needs their own token. While a page is rendered for the
cache, the ``csrf_token`` of the template context is a placeholder; the cached
bytes keep the placeholder, and every answer, fresh or cached, replaces it
with this visitor's token (``get_token``, which also sets the CSRF cookie when
the visitor has none, as rendering would).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from .activity import ACTIVITY_EVENT, VISIBILITY_EVENT
from .events import subscribe
from .versioned_cache import VersionedCache

__all__ = [
    "SECONDS",
    "bump_on_changes",
    "bump_on_events",
    "cache_for_visitors",
    "csrf_placeholder",
    "public_pages",
]

SECONDS = 30
# A page older than SECONDS (but of the current data version) is still served
# for up to STALE_SECONDS more while one request renders it again: the 64
# starting points of the random order, cached together, would otherwise all
# expire together and make every worker render at once.
STALE_SECONDS = 30
public_pages = VersionedCache("pages", seconds=SECONDS + STALE_SECONDS, local_max_chars=48_000_000)

# Letters and digits only: the same in HTML, attributes and JSON.
CSRF_PLACEHOLDER = "wegovCsrfPlaceholder7d0c3b1e5a9f"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_CAPTURING = "_wegov_page_capture"


def csrf_placeholder(request) -> dict:
    """Context processor: the placeholder token while a page is rendered for
    the cache (listed after Django's own ``csrf`` processor, so it wins)."""
    if getattr(request, _CAPTURING, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _visitor_may_share(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.headers.get("HX-Request"):
        return False
    if request.user.is_authenticated:
        return False
    # A message waiting for this visitor ("Thank you ...") is theirs alone.
    return len(get_messages(request)) == 0


def _key(request, extra: str) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"page:{get_language()}:{path}:{extra}"


def _with_token(request, body: bytes) -> bytes:
    if _PLACEHOLDER_BYTES in body:
        return body.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    return body


def _shareable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies  # a cookie the view set is this visitor's
        and (session is None or not session.modified)
        and not response.has_header("Cache-Control")
    )


def _claim_refresh(key: str, version: int) -> bool:
    """True for the one request that renders a stale page again (the others
    keep serving it meanwhile)."""
    return cache.add(f"{key}:refresh:{version}", 1, timeout=10)


def cache_for_visitors(vary: Callable | None = None):
    """Serve the view's page to visitors who are not signed in from the cache.

    ``vary(request) -> str`` names anything besides the address and the
    language that the page depends on (the random order's start, for one).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _visitor_may_share(request):
                return view(request, *args, **kwargs)
            key = _key(request, vary(request) if vary else "")
            version, stored = public_pages.get(key)
            if stored is not None:
                content_type, body, fresh_until = stored
                if time.time() < fresh_until or not _claim_refresh(key, version):
                    return HttpResponse(_with_token(request, body), content_type=content_type)
            setattr(request, _CAPTURING, True)
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
            finally:
                setattr(request, _CAPTURING, False)
            if _shareable(request, response):
                fresh_until = time.time() + SECONDS
                public_pages.set_many(
                    version, {key: (response["Content-Type"], response.content, fresh_until)}
                )
            if not response.streaming:
                response.content = _with_token(request, response.content)
            return response

        return wrapper

    return decorator


# --- Invalidation ------------------------------------------------------------------------


def _bump_now_and_after_commit(using=None, **_kwargs) -> None:
    public_pages.bump()
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return  # autocommit: the row is committed already
    # Once per transaction, however many rows it saves (the demo saves
    # thousands): Django starts a new list of commit hooks after every commit
    # or rollback, so the list we registered in tells whether we did.
    if getattr(connection, "_wegov_pages_hooks", None) is not connection.run_on_commit:
        transaction.on_commit(public_pages.bump, using=using)
        connection._wegov_pages_hooks = connection.run_on_commit


def bump_on_changes(*models) -> None:
    """Every save or delete of these models makes the cached pages stale."""
    for model in models:
        post_save.connect(_bump_now_and_after_commit, sender=model, weak=False)
        post_delete.connect(_bump_now_and_after_commit, sender=model, weak=False)


def bump_on_events(*event_names: str) -> None:
    """These domain events (dispatched after commit) make the cached pages stale."""
    for name in event_names:
        subscribe(name)(public_pages.bump)


# Whatever is announced to the feed (a new proposal, an answer, a closed
# debate ...), hidden or restored by moderation, or erased by its author is
# shown differently on the cached pages.
bump_on_events(ACTIVITY_EVENT, VISIBILITY_EVENT, "account.erased")
