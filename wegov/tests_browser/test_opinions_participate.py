"""Conversations in a browser: a citizen votes through a conversation with
JavaScript (htmx swaps in the next statement and moves the focus to it), an
anonymous visitor does the same without JavaScript, and a statement a citizen
writes is accepted by a moderator."""

from unittest import mock

import pytest

from conftest import enable_totp
from wegov.opinions.models import Conversation, Participant, Statement, Vote
from wegov.opinions.tests.participate_support import make_conversation

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

SEEDS = (
    "Cars should not enter the old town.",
    "Delivery vans need access in the morning.",
    "More bicycle parking is needed at the station.",
)


@pytest.fixture(autouse=True)
def schedule():
    """The recomputation is queued, never run, here (it is the maths' business)."""
    with mock.patch("wegov.opinions.tasks.schedule_recompute") as schedule:
        yield schedule


@pytest.fixture
def conversation(db):
    return make_conversation(
        statements=SEEDS,
        slug="car-free-centre",
        topic="A car-free city centre?",
        description="Should Lindenbrug close its centre to cars?",
        allow_anonymous=True,
    )


def test_vote_through_a_conversation_with_javascript(
    new_context, live_server, conversation, citizen, schedule
):
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/conversations/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="A car-free city centre?").click()
    assert page.locator("h1").inner_text() == "A car-free city centre?"
    card = page.locator("#statement-card")
    assert "You have voted on 0 of 3 statements." in card.inner_text()
    axe_check(page)
    url = page.url

    seen = []
    for count, button in enumerate(["Agree", "Disagree", "Pass / unsure"], start=1):
        seen.append(page.locator("#statement-text").inner_text())
        page.get_by_role("button", name=button, exact=True).click()
        card.get_by_text(f"You have voted on {count} of 3 statements.").wait_for()
        status = page.locator("#vote-status")
        assert "is recorded" in status.inner_text()
        assert status.get_attribute("aria-live") == "polite"
        # The focus moves to the new statement (or to the "all done" heading) once htmx has
        # settled the new card, ~20 ms after the swap: wait for it (fails after the timeout).
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.hasAttribute("
            "'data-opinions-focus')"
        )
        axe_check(page)
    assert page.url == url  # no page load: htmx swapped the card
    assert sorted(seen) == sorted(SEEDS)
    assert card.get_by_role("heading", name="You have voted on every statement").is_visible()
    votes = {v.statement.text: v.value for v in Vote.objects.select_related("statement")}
    assert votes == {seen[0]: 1, seen[1]: -1, seen[2]: 0}
    assert schedule.call_count == 3

    # My votes: change one (a plain form, back to the same list).
    with page.expect_navigation():
        card.get_by_role("link", name="See and change my votes").click()
    assert page.locator("h1").inner_text() == "My votes"
    axe_check(page)
    row = page.locator("#my-votes li", has_text=seen[2])
    with page.expect_navigation():
        row.get_by_role("button", name="Agree", exact=True).click()
    assert page.locator("h1").inner_text() == "My votes"
    assert Vote.objects.get(statement__text=seen[2]).value == 1
    axe_check(page)


def test_vote_without_javascript_as_an_anonymous_visitor(new_context, conversation):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/conversations/car-free-centre/")
    assert "You have voted on 0 of 3 statements." in page.locator("#statement-card").inner_text()
    first = page.locator("#statement-text").inner_text()
    submit(page, "#vote-form")  # the first button: Agree
    banner = page.locator(".govuk-notification-banner--success")
    assert "is recorded: Agree." in banner.inner_text()
    assert "You have voted on 1 of 3 statements." in page.locator("#statement-card").inner_text()
    assert page.locator("#statement-text").inner_text() != first
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["wegov_opinions_browser"]["httpOnly"]
    assert cookies["wegov_opinions_browser"]["sameSite"] == "Lax"

    with page.expect_navigation():
        page.get_by_role("button", name="Disagree", exact=True).click()
    assert "You have voted on 2 of 3 statements." in page.locator("#statement-card").inner_text()
    participant = Participant.objects.get()
    assert participant.user is None and participant.votes.count() == 2

    # Another browser is another participant.
    other = new_context(java_script_enabled=False).new_page()
    other.goto("/conversations/car-free-centre/")
    assert "You have voted on 0 of 3" in other.locator("#statement-card").inner_text()
    submit(other, "#vote-form")
    assert Participant.objects.count() == 2


def test_citizen_submits_a_statement_and_a_moderator_accepts_it(
    new_context, live_server, conversation, citizen, moderator
):
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/conversations/car-free-centre/")
    # The textarea stops at 280 characters; a statement already there is refused.
    assert page.get_by_label("Your statement").get_attribute("maxlength") == "280"
    page.get_by_label("Your statement").fill("  cars should NOT enter the old town. ")
    submit(page, "#statement-form")
    assert page.locator("h1").inner_text() == "Add a statement"
    assert "already in the conversation" in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    page.get_by_label("Your statement").fill("A free shuttle bus from the park-and-ride.")
    submit(page, "#statement-form")
    banner = page.locator(".govuk-notification-banner--success")
    assert "waiting for moderation" in banner.inner_text()
    statement = Statement.objects.get(text="A free shuttle bus from the park-and-ride.")
    assert statement.state == Statement.State.PENDING
    axe_check(page)

    enable_totp(moderator)
    moderator_context = new_context()
    log_in_session(moderator_context, live_server.url, moderator)
    mod = moderator_context.new_page()
    mod.goto("/conversations/car-free-centre/")
    with mod.expect_navigation():
        mod.get_by_role("link", name="Moderate statements (1 waiting)").click()
    assert mod.locator("h1").inner_text() == "Moderate statements"
    axe_check(mod)
    with mod.expect_navigation():
        mod.get_by_role("button", name=f"Accept statement {statement.number}").click()
    assert "is accepted" in mod.locator(".govuk-notification-banner--success").inner_text()
    assert mod.locator("#queue-empty").is_visible()
    axe_check(mod)
    statement.refresh_from_db()
    assert statement.state == Statement.State.ACCEPTED

    # Everyone may now vote on it; its author already agrees with it (as in Pol.is).
    page.goto(f"/conversations/car-free-centre/statements/{statement.number}/")
    assert page.locator("h1").inner_text() == "A free shuttle bus from the park-and-ride."
    assert "You wrote this statement." in page.locator("main").inner_text()
    axe_check(page)
    assert Conversation.objects.get().statements.shown().count() == 4
