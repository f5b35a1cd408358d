"""Comments on a proposal page: post with a stance, reply, vote, with and without
JavaScript; the pages are axe clean."""

import re

import pytest
from django.urls import reverse

from wegov.comments.models import Comment

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def proposal(db):
    from wegov.proposals.tests.factories import ProposalFactory

    return ProposalFactory(title="A bench on the Lindeplein")


def detail_url(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.process.slug, proposal.pk])


def test_post_reply_and_vote(new_context, live_server, proposal, citizen, other_citizen):
    # Anna posts an argument for the proposal.
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto(detail_url(proposal))
    section = page.locator("#comments")
    assert "Comments (0)" in section.locator("h2").first.inner_text()
    axe_check(page)
    page.fill("#new-comment-body", "Yes please, and @Bram Other agrees <b>too</b>.")
    page.check("#new-comment-stance_0")  # For
    submit(page, "form.wegov-comments__form")
    comment = Comment.objects.get()
    assert page.url.endswith(f"#comment-{comment.pk}")
    article = page.locator(f"#comment-{comment.pk}")
    assert "Yes please, and @Bram Other agrees <b>too</b>." in article.inner_text()
    assert article.locator(".govuk-tag").inner_text() == "For"
    assert "Your comment is published." in page.locator("main").inner_text()
    axe_check(page)

    # Bram replies and votes it up.
    context = new_context()
    log_in_session(context, live_server.url, other_citizen)
    page = context.new_page()
    page.goto(detail_url(proposal))
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name=re.compile("^Reply")).click()
    page.wait_for_url(re.compile(r"/comments/\d+/reply/"))
    axe_check(page)
    page.fill("#id_body", "Thank you, Anna: exactly my view.")
    submit(page, "main form")
    reply = Comment.objects.get(parent=comment)
    assert page.url.endswith(f"#comment-{reply.pk}")
    nested = page.locator(f"#comment-{comment.pk} .wegov-comment__replies #comment-{reply.pk}")
    assert "exactly my view" in nested.inner_text()

    up = page.locator(f"#comment-{comment.pk} > .wegov-comment__actions button[value=up]")
    with page.expect_navigation():
        up.click()
    button = page.locator(f"#comment-{comment.pk} > .wegov-comment__actions button").first
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text().startswith("Up 1")
    comment.refresh_from_db()
    assert comment.upvotes == 1
    axe_check(page)


def test_comment_without_javascript_and_errors_keep_the_text(
    new_context, live_server, proposal, citizen
):
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto(detail_url(proposal))
    # Too long: the error page keeps every character typed.
    long_text = "A long argument. " * 130
    page.fill("#new-comment-body", long_text)
    submit(page, "form.wegov-comments__form")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    kept = page.locator("#id_body").input_value()
    assert kept.strip() == long_text.strip()
    # (No axe here: axe needs JavaScript; the error page is checked below.)
    page.fill("#id_body", "Shorter now: more benches, please.")
    submit(page, "main form")
    comment = Comment.objects.get()
    assert page.url.endswith(f"#comment-{comment.pk}")
    assert "Shorter now" in page.locator(f"#comment-{comment.pk}").inner_text()


def test_anonymous_visitor_is_invited_to_log_in(page, proposal, other_citizen):
    Comment.objects.create(
        target_kind="proposal",
        target_id=proposal.pk,
        author=other_citizen,
        body="An early comment",
        stance="against",
    )
    page.goto(detail_url(proposal))
    section = page.locator("#comments")
    assert "An early comment" in section.inner_text()
    assert section.get_by_role("link", name="Log in to comment").is_visible()
    assert section.locator("textarea").count() == 0
    axe_check(page)


def test_error_page_is_accessible(new_context, live_server, proposal, citizen):
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto(detail_url(proposal))
    submit(page, "form.wegov-comments__form")  # nothing typed
    summary = page.locator(".govuk-error-summary")
    assert "Write your comment." in summary.inner_text()
    axe_check(page)
    assert not Comment.objects.exists()
