"""Debates in a browser: the administration opens one, a citizen reads it, a
process manager closes it with a conclusion; a citizen opens one without JavaScript."""

import pytest

from conftest import enable_totp
from wegov.debates.models import Debate
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def process(department):
    return ProcessFactory(
        slug="marktplein",
        title="A car-free Marktplein",
        organisation=department,
        phase=PhaseKind.DEBATE,
        citizens_may_open_debates=True,
    )


def test_staff_opens_citizen_reads_manager_closes(
    new_context, live_server, process, staff, citizen, process_manager
):
    # A member of the process's organisation opens a debate for the administration.
    enable_totp(staff)
    context = new_context()
    log_in_session(context, live_server.url, staff)
    page = context.new_page()
    page.goto("/processes/marktplein/debates/")
    assert page.locator("h1").inner_text() == "Debates"
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Open a debate").click()
    assert "on behalf of Public Works" in page.locator(".govuk-inset-text").inner_text()
    axe_check(page)
    submit(page, "#debate-form")  # empty: the errors are shown, linked to the fields
    assert "Give the debate a title." in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    page.fill("#id_title", "Should the weekly market stay on the square?")
    page.fill("#id_description", "The market has been here for 300 years.\nShould it stay?")
    submit(page, "#debate-form")
    debate = Debate.objects.get()
    assert page.url.endswith(f"/processes/marktplein/debates/{debate.pk}/")
    assert page.locator("#opened-by").inner_text() == "Public Works"
    assert page.locator(".govuk-notification-banner--success").is_visible()
    axe_check(page)
    context.close()

    # A citizen reads it: no close form for them, the arguments section is there.
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/processes/marktplein/debates/")
    with page.expect_navigation():
        page.get_by_role("link", name="Should the weekly market stay on the square?").click()
    assert page.locator("h1").inner_text() == "Should the weekly market stay on the square?"
    assert page.get_by_text("The market has been here for 300 years.").is_visible()
    assert page.locator("#close-form").count() == 0
    assert page.locator("#conclusion").count() == 0
    axe_check(page)
    context.close()

    # A process manager closes it; the conclusion then shows at the top.
    enable_totp(process_manager)
    context = new_context()
    log_in_session(context, live_server.url, process_manager)
    page = context.new_page()
    page.goto(debate.get_absolute_url())
    page.get_by_text("Close this debate").click()
    axe_check(page)
    # Without a conclusion: refused with a clear error, the form stays open.
    submit(page, "#close-form")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Write the conclusion" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error:")
    axe_check(page)
    page.fill("#id_conclusion", "The market stays, and gets more room on Saturdays.")
    submit(page, "#close-form")
    conclusion = page.locator("#conclusion")
    assert "The market stays, and gets more room on Saturdays." in conclusion.inner_text()
    assert page.locator(".govuk-tag", has_text="Closed").first.is_visible()
    assert page.locator("#close-form").count() == 0
    assert page.locator("#reopen-form").is_visible()
    axe_check(page)
    debate.refresh_from_db()
    assert debate.is_closed and debate.closed_by == process_manager
    context.close()

    # Everyone sees the conclusion in the list's "closed" filter.
    page = new_context().new_page()
    page.goto("/processes/marktplein/debates/?state=closed")
    assert page.get_by_role("link", name="Should the weekly market stay on the square?").count()
    axe_check(page)
    page.goto(debate.get_absolute_url())
    assert "gets more room on Saturdays" in page.locator("#conclusion").inner_text()
    axe_check(page)


def test_citizen_opens_a_debate_without_javascript(new_context, live_server, process, citizen):
    # (axe-core needs JavaScript: these pages are checked in the test above.)
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/processes/marktplein/debates/new/")
    assert page.locator("h1").inner_text() == "Open a debate"
    page.fill("#id_title", "   ")
    submit(page, "#debate-form")
    summary = page.locator(".govuk-error-summary")
    assert "Give the debate a title." in summary.inner_text()
    assert "Describe what the debate is about." in summary.inner_text()
    page.fill("#id_title", "Façade gardens or one new park?")
    page.fill("#id_description", "Small green everywhere, or one park?")
    submit(page, "#debate-form")
    debate = Debate.objects.get()
    assert debate.author == citizen and debate.opened_by_organisation is None
    assert page.locator("#opened-by").inner_text() == "Anna Citizen"
    # The author may close their own debate, without JavaScript too (details opens natively).
    page.locator("summary", has_text="Close this debate").click()
    page.fill("#id_conclusion", "Most people want the park first.")
    submit(page, "#close-form")
    assert "Most people want the park first." in page.locator("#conclusion").inner_text()

    # The list filters work without JavaScript too.
    page.goto("/processes/marktplein/debates/")
    page.select_option("#id_state", "open")
    submit(page, "#debate-filters")
    assert "state=open" in page.url
    assert page.locator("#results").inner_text() == "0 debates"
