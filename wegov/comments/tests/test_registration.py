import pytest

from wegov.accounts import services as account_services
from wegov.accounts.tests.factories import UserFactory
from wegov.comments import services
from wegov.comments.models import Comment, CommentVote
from wegov.core import registry

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_comment_kind_is_flaggable_not_commentable(target):
    kind = registry.get_kind("comment")
    assert kind.flaggable and not kind.commentable and kind.author_field == "author"
    comment = CommentFactory(target_id=target.pk, body="Hello")
    presentation = kind.present(comment)
    assert presentation.url == f"/reports/{target.pk}/#comment-{comment.pk}"
    assert presentation.title == f"Comment on: {target.title}"
    assert presentation.author_id == comment.author_id and presentation.public
    assert registry.kind_of(comment) is kind


def test_presentation_of_a_comment_whose_target_is_gone(db):
    comment = CommentFactory(target_id=987654)
    presentation = registry.get_kind("comment").present(comment)
    assert presentation.url == "" and presentation.public is False


def test_export_has_comments_votes_and_versions(target, citizen, other_citizen):
    mine = services.comment_create(actor=citizen, target=target, body="First", stance="for")
    services.comment_edit(actor=citizen, comment=mine, body="Second")
    theirs = CommentFactory(target_id=target.pk, author=other_citizen)
    services.comment_vote(actor=citizen, comment=theirs, value=-1)
    data = account_services.user_export_data(actor=citizen)
    rows = [r for r in data["contributions"] if r["kind"] == "comment"]
    assert [(r["id"], r["body"], r["stance"]) for r in rows] == [(mine.pk, "Second", "for")]
    assert data["comments"]["comment_votes"][0]["comment"] == theirs.pk
    assert data["comments"]["comment_votes"][0]["value"] == -1
    assert data["comments"]["comment_previous_versions"][0]["text"] == "First"


def test_erase_keeps_comments_as_former_participant_and_fixes_votes(target, citizen, other_citizen):
    mine = services.comment_create(actor=citizen, target=target, body="My view")
    theirs = services.comment_create(
        actor=other_citizen, target=target, body="Agreed, @Anna Citizen", parent=mine
    )
    third = UserFactory()
    services.comment_vote(actor=citizen, comment=theirs, value=1)
    services.comment_vote(actor=third, comment=theirs, value=1)
    services.comment_vote(actor=other_citizen, comment=mine, value=1)
    account_services.user_erase(actor=citizen, user=citizen)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.body == "My view" and mine.public_author() == "former participant"
    assert theirs.upvotes == 1 and not CommentVote.objects.filter(user=citizen).exists()
    assert theirs.mentions == []
    assert Comment.objects.count() == 2


def test_comments_are_presented_in_bulk_as_one_by_one(
    target, other_citizen, django_assert_max_num_queries
):
    """Lists (profiles, the moderation queue) present many comments at once:
    one query for their targets, however many comments, and the same result
    as presenting each."""
    kind = registry.get_kind("comment")
    comments = [CommentFactory(target_id=target.pk) for _ in range(6)]
    comments.append(CommentFactory(target_id=987654))  # its target is gone
    with django_assert_max_num_queries(1):
        bulk = kind.present_all(comments)
    assert bulk == {c.pk: kind.present(c) for c in comments}
