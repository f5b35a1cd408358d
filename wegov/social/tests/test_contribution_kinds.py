"""The feed and notifications with the real contribution kinds: proposals and
comments on them (comments are shown through what they comment on)."""

import pytest
from django.urls import reverse

from wegov.accounts.tests.factories import UserFactory
from wegov.comments.tests.factories import CommentFactory
from wegov.proposals.tests.factories import ProposalFactory
from wegov.social import selectors, services, targets
from wegov.social.models import Notification
from wegov.social.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(process):
    return ProposalFactory(process=process, title="Benches along the river")


def test_comment_activity_names_the_proposal_and_links_to_the_comment(
    client, publish, proposal, process, other_citizen
):
    comment = CommentFactory(target_kind="proposal", target_id=proposal.pk, author=other_citizen)
    publish(
        "comment.created",
        actor=other_citizen,
        target_kind="comment",
        target_id=comment.pk,
        context={"parent_kind": "proposal", "parent_id": proposal.pk, "process": process.pk},
        extra={"excerpt": comment.body[:140]},
    )
    item = selectors.feed()[0]
    assert item.target.title == "Benches along the river"
    assert item.target.url.endswith(f"#comment-{comment.pk}")
    assert "commented on" in item.html and f"#comment-{comment.pk}" in item.html
    assert "excerpt" not in item.activity.extra  # no copy of the text outlives it


def test_followers_of_the_proposal_hear_about_comments(
    publish, proposal, process, citizen, other_citizen
):
    services.follow(actor=citizen, target_kind="proposal", target_id=proposal.pk)
    comment = CommentFactory(target_kind="proposal", target_id=proposal.pk, author=other_citizen)
    publish(
        "comment.created",
        actor=other_citizen,
        target_kind="comment",
        target_id=comment.pk,
        context={"parent_kind": "proposal", "parent_id": proposal.pk, "process": process.pk},
    )
    assert Notification.objects.filter(recipient=citizen).count() == 1


def test_replies_name_what_the_thread_is_about(
    client, publish, proposal, process, citizen, other_citizen
):
    parent = CommentFactory(target_kind="proposal", target_id=proposal.pk, author=citizen)
    reply = CommentFactory(
        target_kind="proposal", target_id=proposal.pk, author=other_citizen, parent=parent
    )
    publish(
        "comment.replied",
        actor=other_citizen,
        target_kind="comment",
        target_id=reply.pk,
        context={"parent_kind": "comment", "parent_id": parent.pk, "process": process.pk},
        notify=[citizen.pk],
        public=False,
    )
    client.force_login(citizen)
    page = client.get(reverse("social:notifications")).content.decode()
    assert "replied to your comment on" in page
    assert "Benches along the river" in page


def test_deleted_and_hidden_comments_leave_the_feed(publish, proposal, other_citizen):
    from django.utils import timezone

    deleted = CommentFactory(target_kind="proposal", target_id=proposal.pk)
    hidden = CommentFactory(target_kind="proposal", target_id=proposal.pk)
    kept = CommentFactory(target_kind="proposal", target_id=proposal.pk)
    for comment in (deleted, hidden, kept):
        ActivityFactory(
            verb="comment.created",
            actor=other_citizen,
            target_kind="comment",
            target_id=comment.pk,
            parent_kind="proposal",
            parent_id=proposal.pk,
        )
    deleted.deleted_at = timezone.now()
    deleted.save(update_fields=["deleted_at"])
    hidden.is_hidden = True
    hidden.save(update_fields=["is_hidden"])
    assert [item.target.id for item in selectors.feed()] == [kept.pk]


def test_many_comments_cost_no_query_each(
    client, proposal, category, django_assert_max_num_queries
):
    actor = UserFactory()
    others = ProposalFactory.create_batch(3, process=proposal.process)
    for n in range(24):
        on = (proposal, *others)[n % 4]
        comment = CommentFactory(target_kind="proposal", target_id=on.pk)
        ActivityFactory(
            verb="comment.created",
            actor=actor,
            target_kind="comment",
            target_id=comment.pk,
            parent_kind="proposal",
            parent_id=on.pk,
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("social:feed"))
    assert response.content.decode().count("wegov-feed__item") == 24


def test_loading_targets_of_many_kinds(proposal, process, topic, city, citizen):
    comment = CommentFactory(target_kind="proposal", target_id=proposal.pk)
    found = targets.load(
        [
            ("proposal", proposal.pk),
            ("comment", comment.pk),
            ("process", process.pk),
            ("topic", topic.pk),
            ("district", city.pk),
            ("user", citizen.pk),
            ("spaceship", 1),
            ("proposal", 999999),
        ]
    )
    assert {key[0] for key in found} == {
        "proposal",
        "comment",
        "process",
        "topic",
        "district",
        "user",
    }
    assert found[("user", citizen.pk)].title == "Anna Citizen"


def test_runs_of_comments_on_one_contribution_fold_into_one_line(proposal, other_citizen):
    ActivityFactory(
        verb="proposal.created", actor=other_citizen, target_kind="proposal", target_id=proposal.pk
    )
    people = UserFactory.create_batch(3)
    for person in (*people, people[0]):
        comment = CommentFactory(target_kind="proposal", target_id=proposal.pk, author=person)
        ActivityFactory(
            verb="comment.created",
            actor=person,
            target_kind="comment",
            target_id=comment.pk,
            parent_kind="proposal",
            parent_id=proposal.pk,
        )
    items = selectors.feed()
    assert len(items) == 2
    assert "and 2 other people commented on" in items[0].html
    assert len(items[0].folded) == 3
    assert items[1].activity.verb == "proposal.created"
