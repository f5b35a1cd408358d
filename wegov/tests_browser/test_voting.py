"""Polls in a browser: a citizen ranks the options of a poll, changes the ballot
after an error, delegates their vote, and reads the results (live ranked poll
with the pairwise table); a manager's pages pass axe too."""

import pytest

from conftest import enable_totp
from wegov.accounts.tests.factories import UserFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.voting import services
from wegov.voting.models import Delegation, PollVote
from wegov.voting.tests.factories import PollFactory, enable_delegation

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def process(department):
    process = ProcessFactory(
        slug="footbridge", title="A footbridge", organisation=department, phase=PhaseKind.VOTING
    )
    enable_delegation(process)
    return process


@pytest.fixture
def poll(process):
    return PollFactory(
        process=process,
        title="What should the bridge be called?",
        kind="ranked",
        results_visibility="live",
        options=["Otter Bridge", "Linde Loop", "Lime Tree Bridge"],
    )


def test_citizen_ranks_delegates_and_reads_results(new_context, live_server, poll, citizen):
    process = poll.process
    ids = {o.label: o.pk for o in poll.options.all()}
    bram = UserFactory(display_name="Bram Bridgefan")
    services.vote_cast(actor=bram, poll=poll, ranks={ids["Linde Loop"]: 1})

    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto(f"/processes/{process.slug}/")
    with page.expect_navigation():
        page.get_by_role("link", name="What should the bridge be called?").click()
    assert page.locator("h1").inner_text() == "What should the bridge be called?"
    axe_check(page)

    # Nothing ranked: the error summary says so and links to the ballot.
    submit(page, "#ballot")
    assert "Rank at least one option." in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)

    page.select_option(f"#id_rank_{ids['Otter Bridge']}", "1")
    page.select_option(f"#id_rank_{ids['Lime Tree Bridge']}", "2")
    submit(page, "#ballot")
    assert "Your vote is counted." in page.locator(".govuk-notification-banner").inner_text()
    vote = PollVote.objects.get(poll=poll, voter=citizen)
    assert {(c.option_id, c.rank) for c in vote.choices.all()} == {
        (ids["Otter Bridge"], 1),
        (ids["Lime Tree Bridge"], 2),
    }
    assert page.locator(f"#id_rank_{ids['Otter Bridge']}").input_value() == "1"
    axe_check(page)

    # Delegate to Bram, found by his display name.
    page.goto(f"/processes/{process.slug}/polls/delegation/")
    axe_check(page)
    page.fill("#id_q", "bridgefan")
    submit(page, "#search")
    assert "Bram Bridgefan" in page.locator("#candidates").inner_text()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Delegate to Bram Bridgefan").click()
    assert (
        "You delegate your vote to Bram Bridgefan"
        in page.locator("#current-delegation").inner_text()
    )
    assert Delegation.objects.current().get(delegator=citizen).delegate == bram
    axe_check(page)

    # The poll says the own vote overrides the delegation; the results show it all.
    page.goto(f"/processes/{process.slug}/polls/{poll.pk}/")
    assert "does not count on this poll" in page.locator("#delegation-status").inner_text()
    with page.expect_navigation():
        page.locator("#results-link").click()
    # Otter Bridge and Linde Loop each beat nothing the other way round: a tie, in words.
    assert "A tie" in page.locator("#winner").inner_text()
    assert "Tied: Otter Bridge, Linde Loop" in page.locator("#ranking").inner_text()
    assert page.locator("#pairwise-table").is_visible()
    assert page.locator("svg[role=img] title").count() == 1
    axe_check(page)

    # Withdrawing the own vote lets the delegation count: Bram's ballot weighs 2.
    page.goto(f"/processes/{process.slug}/polls/{poll.pk}/")
    submit(page, "#withdraw")
    page.goto(f"/processes/{process.slug}/polls/{poll.pk}/results/")
    assert "Linde Loop" in page.locator("#winner").inner_text()
    assert "1 more vote was delegated" in page.locator("#turnout").inner_text()
    context.close()


def test_manager_pages(new_context, live_server, poll, process_manager):
    enable_totp(process_manager)
    context = new_context()
    log_in_session(context, live_server.url, process_manager)
    page = context.new_page()
    page.goto(f"/processes/{poll.process.slug}/polls/manage/")
    assert poll.title in page.locator("#manage-polls").inner_text()
    axe_check(page)
    page.goto(f"/processes/{poll.process.slug}/polls/manage/new/")
    submit(page, "#poll-form")
    assert "Write the question people vote on." in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    context.close()
