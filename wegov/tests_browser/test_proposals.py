"""Proposals in a browser: writing one (with the similar ones shown live), supporting,
the staff's official answer, and the same without JavaScript. axe-core on every page."""

from urllib.parse import urlsplit

import pytest

from conftest import enable_totp
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals.models import Proposal
from wegov.proposals.tests.factories import ProposalFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
});
"""


@pytest.fixture
def process(city, department):
    return ProcessFactory(
        organisation=department, phase=PhaseKind.PROPOSALS, slug="square", support_threshold=3
    )


@pytest.fixture
def trees(process, other_citizen):
    return ProposalFactory(
        process=process,
        author=other_citizen,
        title="Trees on the market square",
        body="Plant lime trees on the market square for shade in summer.",
    )


def watch(page):
    """Console errors, uncaught errors and failed local requests (tiles are blocked: fine)."""
    problems = []

    def local(url):
        return urlsplit(url).hostname in {"localhost", "127.0.0.1"}

    def on_console(msg):
        blocked = "ERR_BLOCKED_BY_CLIENT" in msg.text
        if msg.type == "error" and not blocked and local(msg.location.get("url") or page.url):
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "requestfailed",
        # A live "similar proposals" request still in flight when the test
        # navigates away is aborted by the browser: not a failure of the page.
        lambda request: (
            local(request.url)
            and request.failure != "net::ERR_ABORTED"
            and problems.append(f"failed: {request.url} ({request.failure})")
        ),
    )
    return problems


def test_citizen_writes_a_proposal_and_supports_another(
    new_context, live_server, process, trees, citizen
):
    context = new_context()
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    problems = watch(page)

    page.goto("/processes/square/proposals/")
    assert page.get_by_role("link", name="Trees on the market square").is_visible()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Write a proposal").click()
    assert page.locator("h1").inner_text() == "Write a proposal"
    axe_check(page)

    # The similar proposals appear while the title is typed (htmx).
    page.fill("#id_title", "More trees on the market square")
    live = page.locator("#similar-live")
    live.get_by_role("link", name="Trees on the market square").wait_for()
    page.fill("#id_body", "Shade trees along the whole square.\nAnd benches under them.")
    axe_check(page)

    submit(page, "#proposal-start")
    assert page.locator("h1").inner_text() == "Is your idea already proposed?"
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="My proposal is different: continue").click()
    assert page.locator("h1").inner_text() == "Check and publish"
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish proposal").click()

    mine = Proposal.objects.get(author=citizen)
    assert page.url.endswith(f"/processes/square/proposals/{mine.pk}/")
    assert page.locator("h1").inner_text() == "More trees on the market square"
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert mine.body == "Shade trees along the whole square.\nAnd benches under them."
    axe_check(page)

    # Supporting another proposal swaps the support box in place (htmx).
    page.goto(f"/processes/square/proposals/{trees.pk}/")
    axe_check(page)
    page.get_by_role("button", name="Support this proposal").click()
    box = page.locator("#support-box")
    box.get_by_text("You support this proposal.", exact=True).wait_for()
    assert "1 of the 3 supports needed" in box.inner_text()
    assert box.get_by_role("button", name="Withdraw my support").is_visible()
    trees.refresh_from_db()
    assert trees.support_count == 1
    axe_check(page)
    assert not problems, problems
    assert not page.evaluate("() => window.__cspViolations")


def test_list_search_and_filters(new_context, live_server, process, trees):
    ProposalFactory(process=process, title="Covered bicycle parking", body="Near the station.")
    page = new_context().new_page()
    page.goto("/processes/square/proposals/?order=supported")
    page.fill("#id_q", "bicycle")
    submit(page, "#proposal-filters")
    assert page.locator("#results").inner_text() == "1 proposal"
    assert page.get_by_role("link", name="Covered bicycle parking").is_visible()
    axe_check(page)


def test_staff_answers_a_proposal(new_context, live_server, process, trees, staff):
    enable_totp(staff)
    context = new_context()
    log_in_session(context, live_server.url, staff)
    page = context.new_page()
    page.goto(f"/processes/square/proposals/{trees.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Answer this proposal").click()
    axe_check(page)
    page.get_by_label("Accepted").check()
    submit(page, "#proposal-answer")
    # Accepting without reasons is refused with a message.
    assert "Explain the decision" in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    page.get_by_label("Accepted").check()
    page.fill("#id_answer_text", "We plant twelve lime trees next spring.")
    submit(page, "#proposal-answer")
    answer = page.locator("#official-answer")
    assert "Accepted" in answer.inner_text()
    assert "We plant twelve lime trees next spring." in answer.inner_text()
    axe_check(page)
    trees.refresh_from_db()
    assert trees.answer_state == "accepted" and trees.answered_by == staff


def test_write_and_support_without_javascript(new_context, live_server, process, trees, citizen):
    # (No axe-core here: it needs JavaScript. The pages are the same as above.)
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/processes/square/proposals/new/")
    assert not page.locator("#similar-live").is_visible()
    page.fill("#id_title", "A drinking water tap")
    page.fill("#id_body", "Free water for market visitors.")
    page.fill("#id_lat", "52.155")
    page.fill("#id_lon", "5.39")
    page.fill("#id_address", "Corner of the square")
    submit(page, "#proposal-start")
    # Nothing similar: straight to the last step.
    assert page.locator("h1").inner_text() == "Check and publish"
    submit(page, "#proposal-details")
    mine = Proposal.objects.get(author=citizen)
    assert page.locator("h1").inner_text() == "A drinking water tap"
    assert mine.lat == 52.155 and mine.district is not None
    assert "Corner of the square" in page.locator(".wegov-facts").inner_text()

    page.goto(f"/processes/square/proposals/{trees.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Support this proposal").click()
    assert "Thank you: you support this proposal." in page.content()
    trees.refresh_from_db()
    assert trees.support_count == 1


def test_author_removes_a_coauthor_and_a_coauthor_leaves(
    new_context, live_server, process, trees, other_citizen, citizen
):
    from wegov.proposals.models import Coauthorship
    from wegov.proposals.tests.factories import CoauthorshipFactory

    CoauthorshipFactory(proposal=trees, user=citizen, accepted_at=trees.created_at)
    # The co-author leaves, without JavaScript.
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto(f"/processes/square/proposals/{trees.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Stop being a co-author").click()
    assert "You are no longer a co-author of this proposal." in page.content()
    assert not Coauthorship.objects.exists()

    # The author removes a co-author, with JavaScript; axe on the page.
    CoauthorshipFactory(proposal=trees, user=citizen, accepted_at=trees.created_at)
    context = new_context()
    log_in_session(context, live_server.url, other_citizen)
    page = context.new_page()
    page.goto(f"/processes/square/proposals/{trees.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Invite or remove co-authors").click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Remove – {citizen.public_name}").click()
    assert "is no longer a co-author of this proposal." in page.content()
    axe_check(page)
    assert not Coauthorship.objects.exists()
