import io
import random

import pytest
from django.db.models import Count, F, Q

from wegov.accounts.tests.factories import UserFactory
from wegov.comments import demo as comments_demo
from wegov.comments.models import Comment, CommentVote
from wegov.core.management.commands.load_demo import DemoContext
from wegov.reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def context(**shared):
    return DemoContext(
        rng=random.Random(7), password="x", stdout=io.StringIO(), shared=dict(shared)
    )


def test_demo_without_targets_does_nothing(db):
    comments_demo.load(context(citizens=[UserFactory() for _ in range(3)]))
    assert not Comment.objects.exists()


def test_demo_makes_consistent_threads(commentable):
    citizens = [UserFactory() for _ in range(8)]
    targets = [ReportFactory() for _ in range(6)]
    comments_demo.load(context(citizens=citizens, proposals=targets[:3], debates=targets[3:]))
    assert Comment.objects.count() > 10
    assert Comment.objects.filter(depth=1).exists()
    assert not Comment.objects.filter(depth__gt=2).exists()
    assert not Comment.objects.filter(parent__isnull=False).exclude(stance="").exists()
    # Denormalised counts match the vote rows, and nobody votes on their own comment.
    for comment in Comment.objects.annotate(
        up=Count("votes", filter=Q(votes__value=1)), down=Count("votes", filter=Q(votes__value=-1))
    ):
        assert (comment.upvotes, comment.downvotes) == (comment.up, comment.down)
    assert not CommentVote.objects.filter(user_id=F("comment__author_id")).exists()
    for reply in Comment.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.target_id == reply.parent.target_id
        assert reply.created_at >= reply.parent.created_at
