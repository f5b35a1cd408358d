import io
import random

import pytest
from django.core import mail
from django.db.models import F

from wegov.accounts.tests.factories import UserFactory
from wegov.comments.tests.factories import CommentFactory
from wegov.core.management.commands.load_demo import DemoContext
from wegov.proposals.tests.factories import ProposalFactory
from wegov.social import demo, selectors
from wegov.social.models import Activity, Follow, Notification

pytestmark = pytest.mark.django_db


def context(**shared):
    return DemoContext(
        rng=random.Random(3), password="x", stdout=io.StringIO(), shared=dict(shared)
    )


def test_demo_without_citizens_does_nothing(db):
    demo.load(context())
    assert not Activity.objects.exists()


def test_demo_fills_the_feed_and_the_citizens_notifications(process, topic, city):
    citizens = UserFactory.create_batch(6)
    proposals = ProposalFactory.create_batch(4, process=process)
    for proposal in proposals:
        for author in citizens[1:4]:
            CommentFactory(target_kind="proposal", target_id=proposal.pk, author=author)
    demo.load(
        context(
            citizens=citizens,
            districts=[city],
            topics={"green": topic},
            processes={"greener": process},
            proposals=proposals,
        )
    )
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"process.published", "proposal.created", "comment.created"} <= verbs
    assert selectors.feed(limit=10)
    first = citizens[0]
    assert Follow.objects.filter(user=first, target_kind="process").exists()
    assert Follow.objects.filter(user=first, target_kind="proposal").count() == 3
    assert Notification.objects.filter(recipient=first).exists()
    assert selectors.feed(first, following=True)
    # Nobody is notified of their own doing, and nobody got an email.
    assert not Notification.objects.filter(recipient_id=F("activity__actor_id")).exists()
    assert mail.outbox == []
