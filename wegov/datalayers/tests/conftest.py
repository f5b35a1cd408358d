"""Fixtures of the data-layers tests: sample files and a fake URL opener (no
test touches the network)."""

import io
import json

import pytest

from wegov.datalayers import fetch

from .factories import CENTRE


def geojson_bytes(points, **extra) -> bytes:
    """A FeatureCollection of (id, name, lat, lon) points."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": key,
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"name": name, **extra},
                }
                for key, name, lat, lon in points
            ],
        }
    ).encode()


CSV_OK = (
    "id,name,latitude,longitude,kind\n"
    f"b1,Bench by the pond,{CENTRE[0]},{CENTRE[1]},wood\n"
    f"b2,Bench at the school,{CENTRE[0] + 0.0005},{CENTRE[1] + 0.0005},metal\n"
    f"b3,Bench far away,{CENTRE[0] + 0.01},{CENTRE[1] + 0.01},stone\n"
).encode()


class FakeResponse:
    def __init__(self, body: bytes, headers: dict | None = None):
        self._body = io.BytesIO(body)
        self.headers = headers or {}

    def read(self, size=-1):
        return self._body.read(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeOpener:
    """Answers every URL from ``responses`` (bytes, or an exception to raise)."""

    def __init__(self):
        self.responses: dict[str, object] = {}
        self.requests: list[tuple[str, float]] = []

    def open(self, request, timeout=None):
        self.requests.append((request.full_url, timeout))
        answer = self.responses.get(request.full_url)
        if answer is None:
            raise AssertionError(f"unexpected fetch of {request.full_url}")
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, FakeResponse):
            return answer
        return FakeResponse(answer)


@pytest.fixture
def opener(monkeypatch):
    fake = FakeOpener()
    monkeypatch.setattr(fetch, "build_opener", lambda: fake)
    return fake


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """A test that forgets the ``opener`` fixture fails instead of fetching."""

    def refuse():
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(fetch, "build_opener", refuse)
