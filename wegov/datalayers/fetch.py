"""Fetching a layer's URL: http and https only, with a timeout and a size cap.

The opener knows only the HTTP(S) handlers (no file:, ftp: or data: URLs, also
not through a redirect). Tests replace ``build_opener`` with a fake one: no
test touches the network.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_SCHEMES = ("http", "https")
CHUNK = 64 * 1024


class FetchError(ValidationError):
    """The URL could not be fetched; the message says why."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise FetchError(_("The server redirected to a URL that is not http or https."))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def build_opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _HttpOnlyRedirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise FetchError(_("The URL is not valid.")) from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not host:
        raise FetchError(_("Only http and https URLs can be fetched."))


def fetch_url(url: str) -> bytes:
    """The body at ``url``; raises ``FetchError`` (timeout, HTTP error, too big...)."""
    check_url(url)
    limit = settings.WEGOV_DATALAYERS_MAX_BYTES
    # The scheme is checked above, and the opener has HTTP(S) handlers only.
    headers = {"User-Agent": "WeGov data layers", "Accept": "*/*"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with build_opener().open(request, timeout=settings.WEGOV_DATALAYERS_FETCH_TIMEOUT) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(_too_big(limit))
            chunks, size = [], 0
            while True:
                chunk = resp.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchError(_too_big(limit))
                chunks.append(chunk)
            return b"".join(chunks)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(
            _("The server answered HTTP %(code)s (%(reason)s).")
            % {"code": exc.code, "reason": exc.reason}
        ) from None
    except urllib.error.URLError as exc:
        raise FetchError(
            _("The URL could not be fetched: %(reason)s.") % {"reason": exc.reason}
        ) from None
    except TimeoutError:
        raise FetchError(_("The server did not answer in time.")) from None
    except OSError as exc:
        raise FetchError(_("The URL could not be fetched: %(reason)s.") % {"reason": exc}) from None


def megabytes(limit: int) -> str:
    """20971520 -> "20", 100000 -> "0.1"."""
    return f"{limit / (1024 * 1024):.1f}".removesuffix(".0")


def _too_big(limit: int) -> str:
    return _("The file is larger than the limit of %(mb)s MB.") % {"mb": megabytes(limit)}
