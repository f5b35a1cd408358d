import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wegov.accounts.tests.factories import MembershipFactory, UserFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals import services

from .factories import CoauthorshipFactory, ProposalFactory


@pytest.fixture
def process(department):
    """A city-wide process of the "Public Works" department, in its proposals phase."""
    return ProcessFactory(organisation=department, phase=PhaseKind.PROPOSALS, slug="square")


@pytest.fixture
def proposal(process):
    return ProposalFactory(process=process, title="A car-free market square")


@pytest.fixture
def author(proposal):
    return proposal.author


@pytest.fixture
def coauthor(proposal):
    user = UserFactory(display_name="Cora Coauthor")
    CoauthorshipFactory(proposal=proposal, user=user, accepted_at=proposal.created_at)
    return user


@pytest.fixture
def process_staff(department):
    user = UserFactory(display_name="Stan Staff")
    MembershipFactory(user=user, organisation=department)
    return user


@pytest.fixture
def activity(monkeypatch):
    """What the services publish (core.activity.publish calls), as dicts."""
    seen = []

    def record(verb, **kwargs):
        seen.append({"verb": verb, **kwargs})

    monkeypatch.setattr(services, "publish", record)
    return seen


def jpeg_upload(name="sketch.jpg", *, gps=False, size=(64, 48)):
    img = Image.new("RGB", size, (30, 120, 200))
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam"
        location = exif.get_ifd(0x8825)
        location.update({1: "N", 2: (52.0, 9.0, 22.0), 3: "E", 4: (5.0, 23.0, 16.0)})
        img.save(buffer, "JPEG", exif=exif)
    else:
        img.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png_upload(name="plan.png"):
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 200, 10, 128)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="plan.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")
