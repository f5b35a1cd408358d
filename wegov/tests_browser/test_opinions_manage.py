"""Organisers' pages in a browser: a process manager creates a conversation
with seed statements (an over-long line first, then corrected) and publishes
it; every page passes axe-core."""

import pytest

from conftest import enable_totp
from wegov.opinions.models import Conversation
from wegov.processes.tests.factories import ProcessFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

TOO_LONG = "Delivery vans should be allowed in the centre before 11 in the morning, " * 5


def test_manager_creates_and_publishes_a_conversation(new_context, live_server, process_manager):
    process = ProcessFactory(title="Car-free Marktplein", slug="car-free-marktplein")
    enable_totp(process_manager)
    context = new_context()
    log_in_session(context, live_server.url, process_manager)
    page = context.new_page()

    page.goto("/conversations/manage/")
    assert page.locator("h1").inner_text() == "Manage conversations"
    assert "There are no conversations yet." in page.locator("main").inner_text()
    axe_check(page)

    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Create a conversation").first.click()
    axe_check(page)
    page.fill("#id_topic", "A car-free city centre?")
    page.fill("#id_description", "Should the whole centre follow Marktplein?")
    page.select_option("#id_process", label="Car-free Marktplein")
    page.check("#id_allow_anonymous")
    page.check("#id_moderation_1")  # post-moderation
    page.fill(
        "#id_seed_statements",
        f"Buses should run every 10 minutes.\n{TOO_LONG}\nParking for disabled people stays.",
    )
    submit(page, "#conversation-form")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Line 2 is 359 characters long" in summary
    # Nothing typed is lost.
    assert page.locator("#id_topic").input_value() == "A car-free city centre?"
    assert page.locator("#id_process").input_value() == str(process.pk)
    assert page.locator("#id_allow_anonymous").is_checked()
    assert page.locator("#id_moderation_1").is_checked()
    assert TOO_LONG.strip() in page.locator("#id_seed_statements").input_value()
    axe_check(page)
    # The error summary takes the keyboard to the box.
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_seed_statements"

    page.fill(
        "#id_seed_statements",
        "Buses should run every 10 minutes.\n"
        "Delivery vans should be allowed in the centre before 11 in the morning.\n"
        "Parking for disabled people stays.",
    )
    submit(page, "#conversation-form")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "saved, with 3 new seed statements" in banner
    assert page.url.endswith("/conversations/a-car-free-city-centre/edit/")
    assert "Draft" in page.locator("#conversation-state").inner_text()
    assert page.locator("#seed-statements li").count() == 3
    axe_check(page)

    submit(page, "#publish-form")
    assert (
        "“A car-free city centre?” is published."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "Published" in page.locator("#conversation-state").inner_text()
    axe_check(page)
    conversation = Conversation.objects.get()
    assert conversation.is_published and conversation.process == process
    assert conversation.moderation == "post" and conversation.allow_anonymous
    assert list(conversation.statements.values_list("number", flat=True)) == [1, 2, 3]

    page.goto("/conversations/manage/")
    assert "A car-free city centre?" in page.locator("#manage-conversations").inner_text()
    axe_check(page)

    # The process page lists it for everyone.
    page.goto(f"/processes/{process.slug}/")
    assert "A car-free city centre?" in page.locator("#conversations").inner_text()
    axe_check(page)
    context.close()
