import dataclasses
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.comments import services
from wegov.comments.models import Comment, CommentVersion, CommentVote
from wegov.core import activity
from wegov.core.events import emit
from wegov.core.models import AuditEntry
from wegov.reports.tests.factories import ReportFactory

from .conftest import _use, verbs
from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def create(actor, target, body="I agree, this needs fixing.", **kwargs):
    return services.comment_create(actor=actor, target=target, body=body, **kwargs)


# --- Who may comment -----------------------------------------------------------------


def test_citizen_comments_with_a_stance(citizen, target):
    comment = create(citizen, target, stance="for")
    assert (comment.target_kind, comment.target_id) == ("report", target.pk)
    assert comment.author == citizen and comment.depth == 0 and comment.stance == "for"


def test_stance_defaults_to_neutral_on_stance_kinds(citizen, target):
    assert create(citizen, target).stance == "neutral"


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("anonymous", False),
        ("citizen", True),
        ("other_citizen", True),
        ("other_staff", True),
        ("moderator", True),
        ("admin_user", True),
        ("blocked", False),
    ],
)
def test_who_may_comment(request, target, role, allowed):
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        user = AnonymousUser()
    elif role == "blocked":
        user = UserFactory(blocked_at=timezone.now())
    else:
        user = request.getfixturevalue(role)
    if allowed:
        assert create(user, target).pk
    else:
        with pytest.raises(PermissionDenied):
            create(user, target)
        assert not Comment.objects.exists()


def test_anonymous_and_blocked_get_a_reason(target):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="Log in to comment"):
        create(AnonymousUser(), target)
    with pytest.raises(PermissionDenied, match="blocked"):
        create(UserFactory(blocked_at=timezone.now()), target)
    with pytest.raises(PermissionDenied):
        create(None, target)


def test_kind_policy_reason_is_the_refusal(citizen, target, policy):
    policy.reason = "Comments are closed in this phase."
    with pytest.raises(PermissionDenied, match=r"Comments are closed in this phase\."):
        create(citizen, target)
    assert not Comment.objects.exists()


def test_kinds_without_comments_refuse(db, citizen):
    report = ReportFactory()  # reports are registered without a comment policy
    with pytest.raises(PermissionDenied, match="not possible"):
        create(citizen, report)


def test_unregistered_objects_refuse(citizen):
    with pytest.raises(ValidationError):
        create(citizen, citizen)


def test_hidden_target_takes_no_comments(citizen, target):
    target.is_hidden = True
    target.save(update_fields=["is_hidden"])
    with pytest.raises(PermissionDenied, match="hidden"):
        create(citizen, target)


# --- Input ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "\n\n\t", None])
def test_empty_comment_is_refused(citizen, target, body):
    with pytest.raises(ValidationError) as exc:
        create(citizen, target, body=body)
    assert exc.value.message_dict["body"] == ["Write your comment."]


def test_too_long_comment_is_refused_with_the_numbers(citizen, target):
    with pytest.raises(ValidationError) as exc:
        create(citizen, target, body="x" * 2001)
    assert "at most 2000 characters; yours has 2001" in exc.value.message_dict["body"][0]
    assert create(citizen, target, body="y" * 2000).body == "y" * 2000


def test_text_is_stored_as_typed_but_cleaned(citizen, target):
    body = "  <script>alert(1)</script>\r\nline two\x00\n\n\n\nend  "
    comment = create(citizen, target, body=body)
    assert comment.body == "<script>alert(1)</script>\nline two\n\nend"


def test_wrong_stance_is_refused(citizen, target):
    with pytest.raises(ValidationError) as exc:
        create(citizen, target, stance="maybe")
    assert "stance" in exc.value.message_dict


def test_no_stance_where_the_kind_takes_none(citizen, plain_commentable):
    report = ReportFactory()
    with pytest.raises(ValidationError, match="no stance"):
        create(citizen, report, stance="for")
    assert create(citizen, report).stance == ""


def test_replies_take_no_stance(citizen, other_citizen, target):
    parent = create(citizen, target, stance="against")
    with pytest.raises(ValidationError, match="Only top-level"):
        create(other_citizen, target, parent=parent, stance="for")
    assert create(other_citizen, target, parent=parent).stance == ""


def test_a_double_submit_makes_one_comment(citizen, target):
    first = create(citizen, target, body="Same words")
    again = create(citizen, target, body="Same words")
    assert first.pk == again.pk and Comment.objects.count() == 1


# --- Threads --------------------------------------------------------------------------


def test_replies_nest_up_to_three_levels(citizen, other_citizen, target):
    top = create(citizen, target, body="Level one")
    second = create(other_citizen, target, body="Level two", parent=top)
    third = create(citizen, target, body="Level three", parent=second)
    assert [top.depth, second.depth, third.depth] == [0, 1, 2]
    with pytest.raises(ValidationError, match="at most three levels"):
        create(other_citizen, target, body="Level four", parent=third)
    assert Comment.objects.count() == 3


def test_depth_is_a_database_constraint(target, citizen):
    top = CommentFactory(target_id=target.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(
            target_kind="report", target_id=target.pk, parent=top, depth=3, author=citizen, body="x"
        )


def test_reply_must_be_about_the_same_target(citizen, other_citizen, target):
    elsewhere = ReportFactory()
    parent = create(citizen, elsewhere)
    with pytest.raises(ValidationError) as exc:
        create(other_citizen, target, parent=parent)
    assert "something else" in exc.value.message_dict["parent"][0]


def test_no_reply_to_a_deleted_comment(citizen, other_citizen, target):
    parent = create(citizen, target)
    services.comment_delete(actor=citizen, comment=parent)
    with pytest.raises(ValidationError, match="deleted or hidden"):
        create(other_citizen, target, parent=parent)


# --- Edit and delete ------------------------------------------------------------------


def test_edit_keeps_the_previous_text(citizen, target):
    comment = create(citizen, target, body="First words", stance="for")
    services.comment_edit(actor=citizen, comment=comment, body="Better words", stance="against")
    services.comment_edit(actor=citizen, comment=comment, body="Best words")
    comment.refresh_from_db()
    assert comment.body == "Best words" and comment.stance == "against"
    assert comment.edited_at is not None
    versions = list(comment.versions.values_list("body", "stance"))
    assert versions == [("Better words", "against"), ("First words", "for")]


def test_edit_without_change_keeps_no_version(citizen, target):
    comment = create(citizen, target, body="Same")
    services.comment_edit(actor=citizen, comment=comment, body="  Same ")
    comment.refresh_from_db()
    assert comment.edited_at is None and not comment.versions.exists()


@pytest.mark.parametrize("role", ["other_citizen", "moderator", "admin_user"])
def test_only_the_author_edits(request, citizen, target, role):
    comment = create(citizen, target, body="Mine")
    with pytest.raises(PermissionDenied, match="Only the author"):
        services.comment_edit(
            actor=request.getfixturevalue(role), comment=comment, body="Changed by someone else"
        )
    comment.refresh_from_db()
    assert comment.body == "Mine" and not CommentVersion.objects.exists()


def test_edit_is_refused_when_comments_close(citizen, target, policy):
    comment = create(citizen, target)
    policy.reason = "The debate is closed."
    with pytest.raises(PermissionDenied, match="closed"):
        services.comment_edit(actor=citizen, comment=comment, body="Too late")


def test_edit_is_checked_like_a_new_comment(citizen, target):
    comment = create(citizen, target)
    with pytest.raises(ValidationError):
        services.comment_edit(actor=citizen, comment=comment, body="")
    with pytest.raises(ValidationError):
        services.comment_edit(actor=citizen, comment=comment, body="z" * 2001)


def test_delete_removes_text_and_history_but_keeps_replies(citizen, other_citizen, target):
    comment = create(citizen, target, body="Original", stance="for")
    services.comment_edit(actor=citizen, comment=comment, body="Edited")
    reply = create(other_citizen, target, body="A reply", parent=comment)
    services.comment_delete(actor=citizen, comment=comment)
    comment.refresh_from_db()
    assert comment.body == "" and comment.stance == "" and comment.deleted_at is not None
    assert not comment.versions.exists()
    reply.refresh_from_db()
    assert reply.parent_id == comment.pk and reply.body == "A reply"


@pytest.mark.parametrize("role", ["other_citizen", "other_staff"])
def test_others_cannot_delete(request, citizen, target, role):
    comment = create(citizen, target)
    with pytest.raises(PermissionDenied):
        services.comment_delete(actor=request.getfixturevalue(role), comment=comment)
    comment.refresh_from_db()
    assert comment.deleted_at is None


@pytest.mark.parametrize("role", ["moderator", "admin_user"])
def test_moderators_may_delete_and_it_is_audited(request, citizen, target, role):
    comment = create(citizen, target, body="Rude words")
    services.comment_delete(actor=request.getfixturevalue(role), comment=comment)
    comment.refresh_from_db()
    assert comment.is_deleted
    entry = AuditEntry.objects.get(action="comment.deleted_by_moderator")
    assert entry.before["body"] == "Rude words"


def test_blocked_author_may_still_delete(citizen, target):
    comment = create(citizen, target)
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    services.comment_delete(actor=citizen, comment=comment)
    comment.refresh_from_db()
    assert comment.is_deleted


# --- Votes ----------------------------------------------------------------------------


def test_vote_change_and_revoke(citizen, other_citizen, target):
    comment = create(citizen, target)
    voted = services.comment_vote(actor=other_citizen, comment=comment, value=1)
    assert (voted.upvotes, voted.downvotes, voted.your_vote) == (1, 0, 1)
    voted = services.comment_vote(actor=other_citizen, comment=comment, value=1)
    assert (voted.upvotes, voted.downvotes) == (1, 0)  # the same vote twice counts once
    voted = services.comment_vote(actor=other_citizen, comment=comment, value=-1)
    assert (voted.upvotes, voted.downvotes) == (0, 1)
    voted = services.comment_vote(actor=other_citizen, comment=comment, value=0)
    assert (voted.upvotes, voted.downvotes, voted.your_vote) == (0, 0, 0)
    assert not CommentVote.objects.exists()


def test_no_vote_on_own_comment(citizen, target):
    comment = create(citizen, target)
    with pytest.raises(PermissionDenied, match="own comment"):
        services.comment_vote(actor=citizen, comment=comment, value=1)


@pytest.mark.parametrize("value", [2, -2, "up", None])
def test_vote_values_are_checked(citizen, other_citizen, target, value):
    comment = create(citizen, target)
    with pytest.raises(ValidationError):
        services.comment_vote(actor=other_citizen, comment=comment, value=value)


def test_vote_value_is_a_database_constraint(citizen, other_citizen, target):
    comment = create(citizen, target)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentVote.objects.create(comment=comment, user=other_citizen, value=5)


def test_anonymous_blocked_and_closed_cannot_vote(citizen, other_citizen, target, policy):
    from django.contrib.auth.models import AnonymousUser

    comment = create(citizen, target)
    with pytest.raises(PermissionDenied):
        services.comment_vote(actor=AnonymousUser(), comment=comment, value=1)
    with pytest.raises(PermissionDenied):
        services.comment_vote(
            actor=UserFactory(blocked_at=timezone.now()), comment=comment, value=1
        )
    policy.reason = "Closed."
    with pytest.raises(PermissionDenied, match=r"Closed\."):
        services.comment_vote(actor=other_citizen, comment=comment, value=1)


def test_no_votes_on_deleted_comments(citizen, other_citizen, target):
    comment = create(citizen, target)
    services.comment_delete(actor=citizen, comment=comment)
    with pytest.raises(ValidationError):
        services.comment_vote(actor=other_citizen, comment=comment, value=1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_lose_nothing(commentable):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("in-memory SQLite is one connection")
    target = ReportFactory()
    comment = CommentFactory(target_id=target.pk)
    people = [UserFactory() for _ in range(8)]
    errors = []

    def vote(person, value):
        try:
            services.comment_vote(actor=person, comment=comment, value=value)
            # Change one's mind straight away: the counts must follow exactly.
            services.comment_vote(actor=person, comment=comment, value=-value)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=vote, args=(p, 1 if i % 2 else -1)) for i, p in enumerate(people)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    comment.refresh_from_db()
    assert comment.upvotes == CommentVote.objects.filter(value=1).count() == 4
    assert comment.downvotes == CommentVote.objects.filter(value=-1).count() == 4


# --- Activity, mentions and counts ----------------------------------------------------


def test_create_publishes_activity_and_count(
    citizen, target, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = create(citizen, target)
    (created,) = published["activity"]
    assert created["verb"] == "comment.created"
    assert created["actor_id"] == citizen.pk
    assert (created["target_kind"], created["target_id"]) == ("comment", comment.pk)
    assert created["context"] == {"parent_kind": "report", "parent_id": target.pk}
    assert created["public"] is True
    assert published["counts"] == [{"kind": "report", "object_id": target.pk, "count": 1}]


def test_context_carries_process_and_district(
    citizen, target, published, commentable, city, django_capture_on_commit_callbacks
):
    original = commentable.present

    def present(obj):
        return dataclasses.replace(original(obj), process_id=77, district="centrum")

    _use(dataclasses.replace(commentable, present=present))
    with django_capture_on_commit_callbacks(execute=True):
        create(citizen, target)
    assert published["activity"][0]["context"] == {
        "parent_kind": "report",
        "parent_id": target.pk,
        "process": 77,
        "district": city.pk,
    }


def test_reply_notifies_the_parent_author(
    citizen, other_citizen, target, published, django_capture_on_commit_callbacks
):
    parent = create(citizen, target)
    with django_capture_on_commit_callbacks(execute=True):
        reply = create(other_citizen, target, parent=parent, body="Good point")
    assert verbs(published) == ["comment.created", "comment.replied"]
    replied = published["activity"][1]
    assert replied["notify_user_ids"] == [citizen.pk]
    assert replied["target_id"] == reply.pk and replied["public"] is False
    assert replied["context"]["parent_kind"] == "comment"
    assert replied["context"]["parent_id"] == parent.pk


def test_replying_to_oneself_notifies_nobody(
    citizen, target, published, django_capture_on_commit_callbacks
):
    parent = create(citizen, target)
    with django_capture_on_commit_callbacks(execute=True):
        create(citizen, target, parent=parent, body="And another thing")
    assert verbs(published) == ["comment.created"]


def test_mentions_notify_by_display_name(
    citizen, other_citizen, target, published, django_capture_on_commit_callbacks
):
    # other_citizen is "Bram Other"; mention with another case and a comma after.
    with django_capture_on_commit_callbacks(execute=True):
        comment = create(citizen, target, body="What do you think, @bram other, about this?")
    mentioned = [a for a in published["activity"] if a["verb"] == "comment.mentioned"]
    assert len(mentioned) == 1
    assert mentioned[0]["notify_user_ids"] == [other_citizen.pk]
    assert mentioned[0]["public"] is False
    assert comment.mentions == [
        {
            "name": "bram other",
            "public_id": str(other_citizen.public_id),
            "user_id": other_citizen.pk,
        }
    ]


def test_longest_name_wins(citizen, target):
    anna = UserFactory(display_name="Anna")
    anna_de_vries = UserFactory(display_name="Anna de Vries")
    comment = create(citizen, target, body="Thanks @Anna de Vries! And @Anna too.")
    assert [m["user_id"] for m in comment.mentions] == [anna_de_vries.pk, anna.pk]


def test_ambiguous_names_prefer_people_in_the_thread(citizen, target):
    twin_outside = UserFactory(display_name="Sam Jansen")
    twin_inside = UserFactory(display_name="Sam Jansen")
    CommentFactory(target_id=target.pk, author=twin_inside)
    comment = create(citizen, target, body="@Sam Jansen is right.")
    assert [m["user_id"] for m in comment.mentions] == [twin_inside.pk]
    assert twin_outside.pk not in [m["user_id"] for m in comment.mentions]


def test_unresolvable_ambiguity_mentions_nobody(citizen, target):
    UserFactory(display_name="Kim Bos")
    UserFactory(display_name="Kim Bos")
    assert create(citizen, target, body="@Kim Bos hello").mentions == []


def test_mentions_ignore_emails_self_unknown_blocked_and_cap_at_ten(citizen, target):
    people = [UserFactory(display_name=f"Person{n}") for n in range(12)]
    UserFactory(display_name="Blocked Bob", blocked_at=timezone.now())
    body = "mail me at someone@Person1 or @Anna Citizen @Nobody Here @Blocked Bob " + " ".join(
        f"@Person{n}" for n in range(12)
    )
    comment = create(citizen, target, body=body)
    ids = [m["user_id"] for m in comment.mentions]
    assert ids == [p.pk for p in people[:10]]


def test_edit_notifies_only_newly_mentioned(
    citizen, other_citizen, target, published, django_capture_on_commit_callbacks
):
    third = UserFactory(display_name="Cato Third")
    comment = create(citizen, target, body="Hello @Bram Other")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_edit(
            actor=citizen, comment=comment, body="Hello @Bram Other and @Cato Third"
        )
    mentioned = [a for a in published["activity"] if a["verb"] == "comment.mentioned"]
    assert [a["notify_user_ids"] for a in mentioned] == [[third.pk]]


def test_delete_and_moderation_update_the_count(
    citizen, other_citizen, target, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = create(citizen, target)
        second = create(other_citizen, target, body="Another view")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_delete(actor=citizen, comment=first)
    assert published["counts"][-1]["count"] == 1
    Comment.objects.filter(pk=second.pk).update(is_hidden=True, hidden_reason="Off topic")
    with django_capture_on_commit_callbacks(execute=True):
        emit(activity.VISIBILITY_EVENT, kind="comment", object_id=second.pk, hidden=True)
    assert published["counts"][-1] == {"kind": "report", "object_id": target.pk, "count": 0}
    Comment.objects.filter(pk=second.pk).update(is_hidden=False)
    with django_capture_on_commit_callbacks(execute=True):
        emit(activity.VISIBILITY_EVENT, kind="comment", object_id=second.pk, hidden=False)
        emit(activity.VISIBILITY_EVENT, kind="proposal", object_id=second.pk, hidden=False)
    assert published["counts"][-1]["count"] == 1
    assert len(published["counts"]) == 5


def test_refused_comment_publishes_nothing(
    target, published, policy, citizen, django_capture_on_commit_callbacks
):
    policy.reason = "Closed"
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        create(citizen, target)
    assert published == {"activity": [], "counts": []}
