import datetime as dt

import pytest
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.comments import selectors
from wegov.comments.models import Comment, CommentVote
from wegov.comments.selectors import thread, wilson_lower_bound

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def at(minutes: int):
    return timezone.now() - dt.timedelta(minutes=minutes)


def make(target, minutes_ago=0, **kwargs):
    comment = CommentFactory(target_id=target.pk, **kwargs)
    Comment.objects.filter(pk=comment.pk).update(created_at=at(minutes_ago))
    comment.refresh_from_db()
    return comment


def bodies(nodes):
    return [n.comment.body for n in nodes]


def test_wilson_lower_bound():
    assert wilson_lower_bound(0, 0) == 0
    assert wilson_lower_bound(0, 5) == pytest.approx(0, abs=1e-9)
    # Many votes, mostly up, beat a few votes all up, which beat no votes.
    assert wilson_lower_bound(40, 5) > wilson_lower_bound(3, 0) > wilson_lower_bound(0, 0)
    assert wilson_lower_bound(40, 5) == pytest.approx(0.765, abs=1e-3)
    assert 0 < wilson_lower_bound(1, 1) < 0.5


def test_replies_nest_under_their_parents_oldest_first(target):
    top = make(target, 30, body="top")
    late = make(target, 5, body="late reply", parent=top)
    early = make(target, 20, body="early reply", parent=top)
    make(target, 10, body="reply to early", parent=early)
    result = thread("report", target.pk, sort="oldest")
    (node,) = result.nodes
    assert node.comment.body == "top"
    assert bodies(node.replies) == ["early reply", "late reply"]
    assert bodies(node.replies[0].replies) == ["reply to early"]
    assert late.depth == 1
    assert result.count == 4


def test_sorts(target):
    make(target, 30, body="old, liked", upvotes=40, downvotes=5)
    make(target, 20, body="middle, few votes", upvotes=3)
    make(target, 10, body="new, disliked", upvotes=1, downvotes=9)
    assert bodies(thread("report", target.pk, sort="oldest").nodes) == [
        "old, liked",
        "middle, few votes",
        "new, disliked",
    ]
    assert bodies(thread("report", target.pk, sort="newest").nodes) == [
        "new, disliked",
        "middle, few votes",
        "old, liked",
    ]
    assert bodies(thread("report", target.pk, sort="best").nodes) == [
        "old, liked",
        "middle, few votes",
        "new, disliked",
    ]
    # Unknown sorts fall back to best.
    assert thread("report", target.pk, sort="'; drop table").sort == "best"


def test_stance_counts_and_filter(target):
    for stance in ["for", "for", "against", "neutral"]:
        make(target, body=stance, stance=stance)
    make(target, body="deleted", stance="for", deleted_at=timezone.now())
    result = thread("report", target.pk, stances=True)
    assert result.stance_counts == {"for": 2, "against": 1, "neutral": 1}
    filtered = thread("report", target.pk, stance="against", stances=True)
    assert bodies(filtered.nodes) == ["against"] and filtered.stance == "against"
    assert thread("report", target.pk, stance="bogus", stances=True).stance is None
    assert thread("report", target.pk, stances=False).stance_counts == {}


def test_hidden_and_deleted_stay_as_placeholders_only_with_replies(target):
    hidden = make(target, 30, body="rude", is_hidden=True, hidden_reason="Insults")
    make(target, 25, body="answer to rude", parent=hidden)
    make(target, 20, body="gone", deleted_at=timezone.now())
    make(target, 15, body="hidden alone", is_hidden=True)
    deleted_parent = make(target, 10, body="", deleted_at=timezone.now())
    make(target, 5, body="answer to deleted", parent=deleted_parent)
    result = thread("report", target.pk, sort="oldest")
    assert [n.comment.pk for n in result.nodes] == [hidden.pk, deleted_parent.pk]
    assert all(n.is_placeholder for n in result.nodes)
    assert bodies(result.nodes[0].replies) == ["answer to rude"]
    assert result.count == 2  # only the visible replies


def test_pagination_of_top_level_comments(target):
    for n in range(7):
        top = make(target, 100 - n, body=f"top {n}")
        make(target, 50 - n, body=f"reply {n}", parent=top)
    first = thread("report", target.pk, sort="oldest", per_page=3)
    assert bodies(first.nodes) == ["top 0", "top 1", "top 2"]
    assert first.page.paginator.num_pages == 3 and first.count == 14
    last = thread("report", target.pk, sort="oldest", per_page=3, page=3)
    assert bodies(last.nodes) == ["top 6"] and bodies(last.nodes[0].replies) == ["reply 6"]
    assert thread("report", target.pk, per_page=3, page="x").page.number == 1
    assert thread("report", target.pk, per_page=3, page=99).page.number == 3


def test_viewer_votes_are_marked(target, citizen):
    liked = make(target, 10, body="liked")
    reply = make(target, 5, body="disliked reply", parent=liked)
    CommentVote.objects.create(comment=liked, user=citizen, value=1)
    CommentVote.objects.create(comment=reply, user=citizen, value=-1)
    CommentVote.objects.create(comment=reply, user=UserFactory(), value=1)
    (node,) = thread("report", target.pk, viewer=citizen).nodes
    assert node.your_vote == 1 and node.replies[0].your_vote == -1
    (node,) = thread("report", target.pk).nodes
    assert node.your_vote == 0


def test_other_targets_are_not_mixed_in(target):
    make(target, body="here")
    CommentFactory(target_id=target.pk + 1000, body="elsewhere")
    CommentFactory(target_kind="proposal", target_id=target.pk, body="other kind")
    assert bodies(thread("report", target.pk).nodes) == ["here"]


def test_thread_of_500_comments_in_three_queries(target, citizen, django_assert_num_queries):
    authors = [UserFactory() for _ in range(10)]
    tops = Comment.objects.bulk_create(
        Comment(target_kind="report", target_id=target.pk, author=authors[n % 10], body=f"t{n}")
        for n in range(200)
    )
    Comment.objects.bulk_create(
        Comment(
            target_kind="report",
            target_id=target.pk,
            author=authors[n % 10],
            parent=tops[n % 200],
            depth=1,
            body=f"r{n}",
        )
        for n in range(300)
    )
    CommentVote.objects.create(comment=tops[0], user=citizen, value=1)
    # The shape of all 500, the 50 threads shown with their authors, the votes.
    with django_assert_num_queries(3):
        result = thread("report", target.pk, viewer=citizen, sort="best")
        for node in result.nodes:
            node.comment.public_author()
            for reply in node.replies:
                reply.comment.public_author()
    assert result.count == 500 and len(result.nodes) == selectors.PER_PAGE
    assert result.page.paginator.num_pages == 4
    shown = [n.comment for n in result.nodes] + [r.comment for n in result.nodes for r in n.replies]
    assert all(c.body for c in shown) and len({c.pk for c in shown}) == len(shown)


def test_visible_target(target):
    _kind, obj = selectors.visible_target("report", target.pk)
    assert obj == target
    for args in [("report", 0), ("report", "abc"), ("nope", target.pk), ("report", 10**30)]:
        with pytest.raises(LookupError):
            selectors.visible_target(*args)
    target.is_hidden = True
    target.save(update_fields=["is_hidden"])
    with pytest.raises(LookupError):
        selectors.visible_target("report", target.pk)
