import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wegov.core import events
from wegov.core.activity import ACTIVITY_EVENT
from wegov.places import services as places_services

from .factories import TopicFactory

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.30, 52.10], [5.32, 52.10], [5.32, 52.12], [5.30, 52.12], [5.30, 52.10]]],
}


@pytest.fixture
def activities():
    """Every activity published (after commit), as the payloads ``social`` receives."""
    seen = []

    def record(**payload):
        seen.append(payload)

    events.subscribe(ACTIVITY_EVENT)(record)
    yield seen
    events.unsubscribe(ACTIVITY_EVENT, record)


@pytest.fixture
def westwijk(db):
    return places_services.area_save(
        kind="district", name="Westwijk", slug="westwijk", geometry=SQUARE
    )


@pytest.fixture
def mobility(db):
    return TopicFactory(name="Mobility", slug="mobility")


def jpeg_upload(name="hero.jpg", size=(120, 80), fmt="JPEG", exif=False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    img = Image.new("RGB", size, (30, 120, 60))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        kwargs["exif"] = data
    img.save(buffer, fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
