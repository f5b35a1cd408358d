import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES
from wegov.accounts.tests.factories import UserFactory
from wegov.comments import services
from wegov.comments.models import Comment, CommentVote
from wegov.reports.tests.factories import ReportFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db

SECTION = Template("{% load comments_tags %}{% comments_section obj %}")


def section(obj, user=None, query="") -> str:
    request = RequestFactory().get(f"/reports/{obj.pk}/" + (f"?{query}" if query else ""))
    request.user = user or AnonymousUser()
    request.session = {}
    return SECTION.render(RequestContext(request, {"obj": obj}))


def target_url(target) -> str:
    return reverse("reports:detail", args=[target.pk])


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def post_comment(client, target, **data):
    return client.post(reverse("comments:create"), {"kind": "report", "id": target.pk, **data})


# --- The section ----------------------------------------------------------------------


def test_section_is_empty_for_kinds_without_comments(db):
    assert section(ReportFactory()).strip() == ""


def test_section_is_empty_on_hidden_targets(target):
    target.is_hidden = True
    assert section(target).strip() == ""


def test_anonymous_sees_comments_and_a_log_in_link(target):
    CommentFactory(target_id=target.pk, body="Visible to all", stance="for")
    html = section(target)
    assert "Comments (1)" in text(html)
    assert "Visible to all" in html
    assert "Log in to comment" in html and "/accounts/login/?next=" in html
    assert 'action="/comments/new/"' not in html
    assert "comments:vote" not in html and "/vote/" not in html
    assert "0 up, 0 down" in text(html)


def test_citizen_gets_the_form_with_stances(target, citizen):
    html = section(target, citizen)
    assert 'action="/comments/new/"' in html
    assert f'name="id" value="{target.pk}"' in html and 'name="kind" value="report"' in html
    assert 'name="stance"' in html and "Your position" in html
    assert 'id="new-comment-body"' in html


def test_no_stance_radios_where_the_kind_takes_none(db, citizen, plain_commentable):
    html = section(ReportFactory(), citizen)
    assert 'name="stance"' not in html and "Arguments:" not in html


def test_the_reason_replaces_the_form(target, citizen, policy):
    policy.reason = "The process is in its “Evaluation” phase: comments are closed."
    html = section(target, citizen)
    assert "comments are closed" in html and 'action="/comments/new/"' not in html


def test_blocked_citizen_is_told_why(target):
    html = section(target, UserFactory(blocked_at=timezone.now()))
    assert "Your account is blocked" in html and 'action="/comments/new/"' not in html


def test_comment_shows_author_time_stance_votes_and_edited(target, citizen, other_citizen):
    comment = services.comment_create(
        actor=citizen, target=target, body="First\n\nSecond line", stance="against"
    )
    services.comment_edit(actor=citizen, comment=comment, body="First\n\nSecond, edited")
    CommentVote.objects.create(comment=comment, user=UserFactory(), value=1)
    Comment.objects.filter(pk=comment.pk).update(upvotes=1)
    html = section(target, other_citizen)
    assert f'id="comment-{comment.pk}"' in html
    assert "Anna Citizen" in html and "<time datetime=" in html
    assert "govuk-tag--red" in html and "Against" in html
    assert reverse("comments:history", args=[comment.pk]) in html
    assert '<p class="govuk-body wegov-comment__text">First</p>' in html
    assert f'action="/comments/{comment.pk}/vote/"' in html
    assert 'value="up"' in html and "Up 1" in text(html)
    # Not the author: no edit or delete links.
    assert reverse("comments:edit", args=[comment.pk]) not in html
    assert reverse("comments:reply", args=[comment.pk]) in html


def test_author_gets_edit_and_delete_but_no_votes(target, citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen)
    html = section(target, citizen)
    assert reverse("comments:edit", args=[comment.pk]) in html
    assert reverse("comments:delete", args=[comment.pk]) in html
    assert f"/comments/{comment.pk}/vote/" not in html


def test_html_is_escaped_not_executed(target, citizen):
    services.comment_create(
        actor=citizen, target=target, body='<script>alert("x")</script><b>bold</b> https://x.org'
    )
    html = section(target)
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<a href="https://x.org" rel="nofollow">https://x.org</a>' in html


def test_mentions_are_marked(target, citizen, other_citizen):
    services.comment_create(actor=citizen, target=target, body="Hi @Bram Other, see this")
    html = section(target)
    # A link to the profile when the social app provides one, else bold text.
    assert re.search(r"<(a class=\"govuk-link\" href=\"[^\"]+\"|strong)>@Bram Other</", html)


def test_placeholders_for_hidden_and_deleted_with_replies(target, citizen):
    hidden = CommentFactory(
        target_id=target.pk, body="Secret insult", is_hidden=True, hidden_reason="Insults"
    )
    CommentFactory(parent=hidden, body="Reply under hidden")
    deleted = CommentFactory(target_id=target.pk, body="", deleted_at=timezone.now())
    CommentFactory(parent=deleted, body="Reply under deleted")
    html = section(target, citizen)
    assert "Secret insult" not in html
    assert "Comment hidden by moderation: Insults" in html
    assert "Comment deleted." in html
    assert "Reply under hidden" in html and "Reply under deleted" in html
    assert "Comments (2)" in text(html)


def test_no_reply_link_at_the_deepest_level(target, citizen):
    top = CommentFactory(target_id=target.pk)
    middle = CommentFactory(parent=top)
    deepest = CommentFactory(parent=middle)
    html = section(target, citizen)
    assert reverse("comments:reply", args=[middle.pk]) in html
    assert reverse("comments:reply", args=[deepest.pk]) not in html


def test_sort_and_stance_links_keep_other_parameters(target, citizen):
    CommentFactory(target_id=target.pk, stance="for")
    CommentFactory(target_id=target.pk, stance="against")
    html = section(target, citizen, query="order=random&cpage=1")
    assert "?order=random&amp;csort=newest#comments" in html
    assert "Arguments:" in text(html) and "For (1)" in text(html) and "Against (1)" in text(html)
    assert "?order=random&amp;cstance=for#comments" in html
    filtered = section(target, citizen, query="cstance=against")
    assert "All positions" in filtered and 'aria-current="true">Against (1)' in filtered


def test_section_pages_and_queries_stay_flat(target, citizen, django_assert_max_num_queries):
    authors = [UserFactory() for _ in range(5)]
    tops = Comment.objects.bulk_create(
        Comment(target_kind="report", target_id=target.pk, author=authors[n % 5], body=f"t{n}")
        for n in range(120)
    )
    Comment.objects.bulk_create(
        Comment(
            target_kind="report",
            target_id=target.pk,
            author=authors[n % 5],
            parent=tops[n % 120],
            depth=1,
            body=f"r{n}",
        )
        for n in range(380)
    )
    # Comments thread + votes + the kind's policy; nothing per comment.
    with django_assert_max_num_queries(6):
        html = section(target, citizen, query="csort=oldest")
    assert "Comments (500)" in text(html)
    assert ">t0<" in html and ">t49<" in html and ">t50<" not in html
    assert "cpage=2#comments" in html
    page3 = section(target, citizen, query="csort=oldest&cpage=3")
    assert ">t100<" in page3


# --- Writing through the pages --------------------------------------------------------


def test_post_a_comment_goes_back_to_it(client, target, citizen):
    client.force_login(citizen)
    response = post_comment(client, target, body="Please fix this soon.", stance="for")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{target_url(target)}#comment-{comment.pk}"
    assert comment.stance == "for" and comment.author == citizen


def test_next_keeps_sort_and_page_of_the_same_page_only(client, target, citizen):
    client.force_login(citizen)
    here = f"{target_url(target)}?csort=newest&cpage=2"
    response = post_comment(client, target, body="One", next=here)
    comment = Comment.objects.get()
    assert response.url == f"{here}#comment-{comment.pk}"
    response = post_comment(client, target, body="Two", next="https://evil.example/")
    assert response.url.startswith(target_url(target) + "#comment-")
    response = post_comment(client, target, body="Three", next="/reports/")
    assert response.url.startswith(target_url(target) + "#comment-")


@pytest.mark.parametrize(
    "body, message",
    [("", "Write your comment."), ("x" * 2001, "at most 2000 characters; yours has 2001")],
)
def test_errors_come_back_with_the_text_kept(client, target, citizen, body, message):
    client.force_login(citizen)
    response = post_comment(client, target, body=body, stance="against")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "Error:" in html.split("</title>")[0]
    if body:
        assert body in html
    assert 'value="against" checked' in html
    assert not Comment.objects.exists()


def test_anonymous_post_keeps_the_text_and_offers_log_in(client, target):
    response = post_comment(client, target, body="My careful thoughts <i>here</i>")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Log in to comment" in html
    assert "My careful thoughts &lt;i&gt;here&lt;/i&gt;" in html
    assert not Comment.objects.exists()


def test_closed_policy_post_keeps_the_text(client, target, citizen, policy):
    policy.reason = "Comments are closed in this process."
    client.force_login(citizen)
    response = post_comment(client, target, body="Too late?")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Comments are closed in this process." in html and "Too late?" in html


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "report", "id": "abc"},
        {"kind": "report", "id": "999999"},
        {"kind": "unknown", "id": "1"},
        {"kind": "report"},
        {"kind": "report", "id": "99999999999999999999999"},
    ],
)
def test_unknown_targets_are_404(client, target, citizen, data):
    client.force_login(citizen)
    response = client.post(reverse("comments:create"), {**data, "body": "Hello"})
    assert response.status_code == 404


def test_kind_without_comments_is_404(client, db, citizen):
    report = ReportFactory()
    client.force_login(citizen)
    assert post_comment(client, report, body="Hi").status_code == 404


def test_create_page_by_get(client, target, citizen):
    client.force_login(citizen)
    response = client.get(reverse("comments:create"), {"kind": "report", "id": target.pk})
    assert response.status_code == 200
    assert "Write a comment" in response.content.decode()


def test_reply_page_and_post(client, target, citizen, other_citizen):
    parent = CommentFactory(target_id=target.pk, author=citizen, body="Original point")
    client.force_login(other_citizen)
    url = reverse("comments:reply", args=[parent.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Original point" in page.content.decode()
    assert 'name="stance"' not in page.content.decode()
    response = client.post(url, {"body": "I disagree politely."})
    reply = Comment.objects.get(parent=parent)
    assert response.url == f"{target_url(target)}#comment-{reply.pk}"
    assert reply.depth == 1


def test_reply_too_deep_is_explained(client, target, citizen):
    deepest = CommentFactory(parent=CommentFactory(parent=CommentFactory(target_id=target.pk)))
    client.force_login(citizen)
    url = reverse("comments:reply", args=[deepest.pk])
    assert "at most three levels deep" in client.get(url).content.decode()
    response = client.post(url, {"body": "Deeper"})
    assert response.status_code == 200
    assert "at most three levels deep" in response.content.decode()
    assert "Deeper" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_edit_permission_matrix(as_role, target, citizen, role):
    comment = CommentFactory(target_id=target.pk, author=citizen, body="Mine")
    client, _user = as_role(role)
    url = reverse("comments:edit", args=[comment.pk])
    response = client.post(url, {"body": "Changed"})
    comment.refresh_from_db()
    if role == "citizen":
        assert response.status_code == 302 and comment.body == "Changed"
        assert comment.versions.get().body == "Mine"
    else:
        assert response.status_code == 403 and comment.body == "Mine"


def test_edit_page_prefills_and_errors_keep_text(client, target, citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen, body="Old text", stance="for")
    client.force_login(citizen)
    url = reverse("comments:edit", args=[comment.pk])
    page = client.get(url).content.decode()
    assert "Old text" in page and 'value="for" checked' in page
    response = client.post(url, {"body": "x" * 2500, "stance": "for"})
    assert response.status_code == 200 and "x" * 2500 in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_delete_permission_matrix(as_role, target, citizen, role):
    comment = CommentFactory(target_id=target.pk, author=citizen, body="Mine")
    client, _user = as_role(role)
    response = client.post(reverse("comments:delete", args=[comment.pk]))
    comment.refresh_from_db()
    if role in ("citizen", "moderator", "admin_user"):
        assert response.status_code == 302 and comment.is_deleted
    else:
        assert response.status_code == 403 and not comment.is_deleted


def test_delete_confirmation_page(client, target, citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen, body="To go")
    client.force_login(citizen)
    page = client.get(reverse("comments:delete", args=[comment.pk]))
    assert page.status_code == 200 and "Delete your comment?" in page.content.decode()


def test_vote_through_the_page(client, target, citizen, other_citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen)
    client.force_login(other_citizen)
    url = reverse("comments:vote", args=[comment.pk])
    response = client.post(url, {"value": "up"})
    assert response.url == f"{target_url(target)}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.upvotes == 1
    html = section(target, other_citizen)
    assert 'value="none" class="govuk-button govuk-button--secondary' in html
    assert 'aria-pressed="true"' in html
    client.post(url, {"value": "none"})
    comment.refresh_from_db()
    assert comment.upvotes == 0


def test_vote_errors_become_messages(client, target, citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen)
    client.force_login(citizen)
    response = client.post(
        reverse("comments:vote", args=[comment.pk]), {"value": "up"}, follow=False
    )
    assert response.status_code == 302
    response = client.post(reverse("comments:vote", args=[comment.pk]), {"value": "sideways"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.upvotes == 0


def test_vote_by_get_is_not_allowed(client, target, citizen):
    comment = CommentFactory(target_id=target.pk)
    client.force_login(citizen)
    assert client.get(reverse("comments:vote", args=[comment.pk])).status_code == 405


def test_history_page(client, target, citizen):
    comment = services.comment_create(actor=citizen, target=target, body="Version one")
    services.comment_edit(actor=citizen, comment=comment, body="Version two")
    html = client.get(reverse("comments:history", args=[comment.pk])).content.decode()
    assert "Version one" in html and "Version two" in html and "Earlier versions" in html
    services.comment_delete(actor=citizen, comment=comment)
    assert client.get(reverse("comments:history", args=[comment.pk])).status_code == 404


def test_permalink_redirects_to_the_comment(client, target):
    comment = CommentFactory(target_id=target.pk)
    response = client.get(reverse("comments:detail", args=[comment.pk]))
    assert response.url == f"{target_url(target)}#comment-{comment.pk}"


def test_comments_of_hidden_targets_are_404(client, target, citizen):
    comment = CommentFactory(target_id=target.pk, author=citizen)
    target.is_hidden = True
    target.save(update_fields=["is_hidden"])
    client.force_login(citizen)
    for name in ("detail", "history", "reply", "edit", "delete"):
        assert client.get(reverse(f"comments:{name}", args=[comment.pk])).status_code == 404


def test_unknown_comment_is_404(client, citizen):
    client.force_login(citizen)
    for name in ("detail", "history", "reply", "edit", "delete"):
        assert client.get(reverse(f"comments:{name}", args=[424242])).status_code == 404
