"""Keyboard use: the skip link comes first and moves focus to the main content."""

import pytest

pytestmark = pytest.mark.browser


def test_skip_link_is_the_first_tab_stop(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.outerHTML")
    assert "govuk-skip-link" in focused, focused
    assert page.locator(".govuk-skip-link").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_focus_is_visible_on_links_and_buttons(page):
    page.goto("/accounts/login/")
    page.focus("input[name=login]")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    assert outline[0] != "none" or outline[2] != "none", outline
