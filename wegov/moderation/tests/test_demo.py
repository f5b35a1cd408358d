import io
import random

import pytest

from wegov.accounts.tests.factories import UserFactory
from wegov.core.management.commands.load_demo import DemoContext
from wegov.moderation import demo as moderation_demo
from wegov.moderation.models import Block, BlockAppeal, Flag, ModerationCase
from wegov.reports.models import Report

from .factories import report_by

pytestmark = pytest.mark.django_db


def test_demo_without_proposals_uses_reports(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    citizens = [UserFactory() for _ in range(10)]
    for person in citizens:
        report_by(person)
    demo = DemoContext(
        rng=random.Random(3), password="x", stdout=io.StringIO(), shared={"citizens": citizens}
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        moderation_demo.load(demo)
    events = [c for c in callbacks if c.__qualname__.startswith("emit.")]
    assert len(events) == 1 and mailoutbox == []  # the visibility event only
    assert ModerationCase.objects.filter(state="pending").count() == 3
    hidden_case = ModerationCase.objects.get(state="hidden")
    assert hidden_case.public_reason and hidden_case.decided_by == moderator
    assert Report.objects.get(pk=hidden_case.target_id).is_hidden
    for flag in Flag.objects.select_related("case"):
        assert flag.reporter_id != flag.case.author_id and flag.reporter != citizens[0]
    block = Block.objects.get()
    assert block.user.is_blocked and block.user != citizens[0]
    assert BlockAppeal.objects.get().is_open


def test_demo_skips_without_people(db):
    demo = DemoContext(rng=random.Random(3), password="x", stdout=io.StringIO(), shared={})
    moderation_demo.load(demo)
    assert not ModerationCase.objects.exists()
