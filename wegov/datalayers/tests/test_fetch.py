import urllib.error

import pytest

from wegov.datalayers import fetch

from .conftest import FakeResponse

URL = "https://data.example.org/stops.csv"
# Taken at import, before the autouse fixture replaces it for each test.
REAL_BUILD_OPENER = fetch.build_opener


def test_fetches_the_body_with_a_timeout(opener, settings):
    settings.WEGOV_DATALAYERS_FETCH_TIMEOUT = 7
    opener.responses[URL] = b"lat,lon\n52.1,5.3\n"
    assert fetch.fetch_url(URL) == b"lat,lon\n52.1,5.3\n"
    assert opener.requests == [(URL, 7)]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x.csv", "data:text/csv,lat", "https://", "x"]
)
def test_only_http_and_https(opener, url):
    with pytest.raises(fetch.FetchError, match="Only http and https"):
        fetch.fetch_url(url)
    assert opener.requests == []


def test_the_real_opener_has_no_file_or_ftp_handler():
    real = REAL_BUILD_OPENER()
    handlers = {type(h).__name__ for h in real.handlers}
    assert "FileHandler" not in handlers and "FTPHandler" not in handlers
    assert "DataHandler" not in handlers
    assert {"HTTPHandler", "HTTPSHandler"} <= handlers


def test_a_declared_size_over_the_limit_is_refused(opener, settings):
    settings.WEGOV_DATALAYERS_MAX_BYTES = 100
    opener.responses[URL] = FakeResponse(b"x" * 10, {"Content-Length": "101"})
    with pytest.raises(fetch.FetchError, match="larger than the limit"):
        fetch.fetch_url(URL)


def test_a_body_over_the_limit_is_refused_while_reading(opener, settings):
    settings.WEGOV_DATALAYERS_MAX_BYTES = 100_000
    opener.responses[URL] = b"x" * 100_001  # no Content-Length
    with pytest.raises(fetch.FetchError, match=r"larger than the limit of 0\.1 MB"):
        fetch.fetch_url(URL)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (urllib.error.HTTPError(URL, 404, "Not Found", {}, None), r"HTTP 404 \(Not Found\)"),
        (urllib.error.URLError("Name or service not known"), "Name or service not known"),
        (TimeoutError(), "did not answer in time"),
        (ConnectionResetError("reset"), "could not be fetched"),
    ],
)
def test_errors_become_messages(opener, error, message):
    opener.responses[URL] = error
    with pytest.raises(fetch.FetchError, match=message):
        fetch.fetch_url(URL)


def test_a_redirect_to_another_scheme_is_refused():
    handler = fetch._HttpOnlyRedirects()
    with pytest.raises(fetch.FetchError, match="not http or https"):
        handler.redirect_request(None, None, 302, "Found", {}, "file:///etc/passwd")
