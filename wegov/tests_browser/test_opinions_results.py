"""A conversation's results in a browser: the results page and the opinion map
with the viewer's own point, the map refreshing itself after a recomputation,
the printable report; and the results page without JavaScript."""

import pytest

from wegov.opinions import views_results
from wegov.opinions.tests.results_factories import (
    ConversationFactory,
    make_conversation_with_groups,
    store_analysis,
)

from .support import axe_check, log_in_session

pytestmark = pytest.mark.browser


@pytest.fixture
def conversation(citizen):
    conversation, _ = make_conversation_with_groups(
        ConversationFactory(slug="car-free", topic="A car-free city centre?"),
        sizes=(14, 9, 6),
        statements=8,
        users=[citizen],
    )
    return conversation


def test_results_and_map_show_the_viewer(
    new_context, live_server, conversation, citizen, monkeypatch
):
    # The map polls every 30 s; here every 2 s (the live server runs in this process).
    monkeypatch.setattr(views_results, "MAP_REFRESH_SECONDS", 2)
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/conversations/car-free/results/")
    assert page.locator("#opinion-map").get_attribute("hx-trigger") == "every 2s"
    assert page.locator("h1").inner_text() == "Results: A car-free city centre?"
    svg = page.locator("#opinion-map svg[role=img]")
    assert svg.is_visible()
    assert "Group C: squares, 6 people." in svg.locator("desc").text_content()
    you = page.locator("#opinion-map-you")
    assert you.is_visible() and you.locator("text").text_content() == "You"
    assert "You are in Group A, with 13 other people" in page.locator("#your-position").inner_text()
    your_row = page.locator("#opinion-groups-table tr", has_text="Your group")
    assert your_row.locator("th").inner_text().strip() == "Group A"
    assert page.locator("#consensus-agree li").count() >= 1
    axe_check(page)

    # Nothing new: the poll gets 204 and the map stays as it is.
    polled = page.wait_for_event("response", lambda r: "/results/map/" in r.url)
    assert polled.status == 204
    assert page.locator("#opinion-groups-table tbody tr").count() == 3

    # A recomputation merges two groups: the next poll swaps the new map in.
    latest = conversation.analyses.first()
    result = dict(latest.result)
    result["groups"] = result["groups"][:2]
    result["points"] = [p for p in result["points"] if p[3] != 3]
    store_analysis(conversation, result, vote_count=latest.vote_count)
    polled = page.wait_for_event("response", lambda r: "/results/map/" in r.url)
    assert polled.status == 200
    page.locator("#opinion-groups-table tbody tr").nth(2).wait_for(state="detached")
    assert page.locator("#opinion-groups-table tbody tr").count() == 2
    assert page.locator("#opinion-map-you").is_visible()
    axe_check(page)

    # The map on its own page.
    page.goto("/conversations/car-free/results/map/")
    assert page.locator("h1").inner_text() == "Opinion map"
    assert page.locator("#opinion-map-you").is_visible()
    axe_check(page)


def test_report_prints_without_the_site_around_it(page, conversation):
    page.goto("/conversations/car-free/report/")
    assert page.locator("h1").inner_text() == "A car-free city centre?"
    assert page.locator("#statements-table tbody tr").count() == 8
    header = page.locator("#statements-table thead th")
    assert [header.nth(i).inner_text() for i in range(2, 6)] == [
        "All", "Group A", "Group B", "Group C",
    ]  # fmt: skip
    assert page.locator("#opinion-map-you").count() == 0
    button = page.get_by_role("button", name="Print or save as PDF")
    assert button.is_visible()
    axe_check(page)
    page.evaluate("() => { window.print = () => { window.__printed = true } }")
    button.click()
    assert page.evaluate("() => window.__printed") is True
    page.emulate_media(media="print")
    assert page.locator(".govuk-header").is_hidden()
    assert page.locator(".govuk-footer").is_hidden()
    assert page.locator(".govuk-breadcrumbs").is_hidden()
    assert page.locator("#print-controls").is_hidden()
    assert page.locator("#statements-table").is_visible()


def test_results_without_javascript(no_js_page, conversation):
    page = no_js_page
    page.goto("/conversations/car-free/results/")
    assert page.locator("h1").inner_text() == "Results: A car-free city centre?"
    assert page.locator("#opinion-map svg[role=img]").is_visible()
    assert page.locator("#opinion-groups-table tbody tr").count() == 3
    assert "Group A: 14 people" in page.locator("#groups").inner_text()
    assert "You have not voted in this conversation" in page.locator("#your-position").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Open the map on its own page").click()
    assert page.locator("h1").inner_text() == "Opinion map"
    page.goto("/conversations/car-free/report/")
    assert page.locator("[data-wegov-print]").is_hidden()
    assert "use your browser's Print command" in page.locator("#print-controls").inner_text()
