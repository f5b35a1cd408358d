"""The demo results: from accepted proposals, consistent, quiet."""

import io
import itertools
import random

import pytest

from wegov.accountability import demo as accountability_demo
from wegov.accountability.models import Result, ResultPhoto, ResultUpdate
from wegov.accounts import demo as accounts_demo
from wegov.core.management.commands.load_demo import DEMO_PASSWORD, DemoContext
from wegov.places import demo as places_demo
from wegov.processes import demo as processes_demo
from wegov.proposals import demo as proposals_demo
from wegov.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    context = DemoContext(rng=random.Random(2026), password=DEMO_PASSWORD, stdout=io.StringIO())
    with django_capture_on_commit_callbacks() as callbacks:
        for module in (places_demo, accounts_demo, processes_demo, proposals_demo):
            module.load(context)
        before = len(callbacks)
        accountability_demo.load(context)
    context.new_callbacks = callbacks[before:]
    return context


def test_demo_results(demo):
    results = list(Result.objects.all())
    assert 5 <= len(results) <= 8
    statuses = {r.status for r in results}
    assert {"planned", "in_progress", "done", "cancelled"} <= statuses
    for result in results:
        proposal = Proposal.objects.get(pk=result.source_id)
        assert result.source_kind == "proposal" and proposal.answer_state == "accepted"
        assert result.department_id == proposal.process.organisation_id
        log = list(result.updates.order_by("created_at", "id"))
        assert log[0].is_start
        # The log ends where the result is, and each entry starts where the last ended.
        assert (log[-1].status, log[-1].progress) == (result.status, result.progress)
        for earlier, later in itertools.pairwise(log):
            assert (later.previous_status, later.previous_progress) == (
                earlier.status,
                earlier.progress,
            )
        assert result.milestones.count() == 4
        if result.status == "done":
            assert all(m.is_reached for m in result.milestones.all())
    assert ResultPhoto.objects.filter(result__status="done").exists()
    assert ResultUpdate.objects.filter(status="cancelled").exclude(note="").exists()


def test_demo_photo_has_no_metadata(demo):
    from PIL import Image

    photo = ResultPhoto.objects.first()
    with photo.image.open("rb") as f, Image.open(f) as img:
        assert not img.getexif()
    assert "illustration" in photo.alt_text


def test_demo_notifies_nobody(demo):
    # No domain event (activity, map announcement, notification) waits for the
    # commit; only cache versions may be bumped.
    events = [c for c in demo.new_callbacks if "dispatch" in getattr(c, "__qualname__", "")]
    assert events == []
    assert all("bump" in getattr(c, "__qualname__", "") for c in demo.new_callbacks)
