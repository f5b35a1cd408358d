import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals import services as proposal_services
from wegov.proposals.tests.factories import ProposalFactory

from .factories import ResultFactory

CENTRE = (52.1561, 5.3878)


@pytest.fixture
def process(department):
    """A published process of the "Public Works" department (the ``staff`` fixture's)."""
    return ProcessFactory(organisation=department, phase=PhaseKind.EVALUATION, slug="square")


@pytest.fixture
def accepted_proposal(process, staff, city):
    proposal = ProposalFactory(
        process=process, title="Benches on the market square", lat=CENTRE[0], lon=CENTRE[1]
    )
    return proposal_services.proposal_answer(
        actor=staff, proposal=proposal, state="accepted", text="We will place six benches."
    )


@pytest.fixture
def result(process, department):
    return ResultFactory(process=process, department=department, lat=CENTRE[0], lon=CENTRE[1])


def jpeg_with_gps(name="work.jpg", size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG carrying EXIF with a GPS position and a camera make."""
    image = Image.new("RGB", size, (40, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 22.0), 3: "E", 4: (5.0, 23.0, 16.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
