"""Moderation in a browser: a citizen flags a report, a moderator hides it from
the queue with a public reason; flagging without JavaScript; a blocked
resident appeals and a moderator sees the appeal."""

import pytest

from conftest import enable_totp
from wegov.moderation import services
from wegov.moderation.models import BlockAppeal, Flag
from wegov.reports.models import Report
from wegov.reports.tests.factories import ReportFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def report(city, citizen):
    return ReportFactory(
        reporter=citizen,
        is_anonymous=False,
        district=city,
        title="Rude remarks about the neighbours",
        description="The people at number 12 are idiots and should leave.",
    )


def test_citizen_flags_and_moderator_hides_from_the_queue(
    new_context, live_server, report, other_citizen, moderator
):
    citizen_context = new_context()
    log_in_session(citizen_context, live_server.url, other_citizen)
    page = citizen_context.new_page()
    page.goto(f"/moderation/flag/report/{report.pk}/?next=/reports/{report.pk}/")
    assert page.locator("h1").inner_text() == "Report content to the moderators"
    axe_check(page)

    submit(page, "#flag-form")  # no reason chosen: an error, linked to the radios
    assert (
        page.locator(".govuk-error-summary")
        .get_by_text("Choose why you are reporting this.")
        .is_visible()
    )
    axe_check(page)

    page.get_by_label("Offensive, insulting or hateful").check()
    page.get_by_label("Details (optional)").fill("Insults the neighbours at number 12.")
    submit(page, "#flag-form")
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert page.get_by_text(
        "Thank you for your report. The moderators will look at it."
    ).is_visible()
    assert Flag.objects.get().reporter == other_citizen

    enable_totp(moderator)
    moderator_context = new_context()
    log_in_session(moderator_context, live_server.url, moderator)
    page = moderator_context.new_page()
    page.goto("/moderation/")
    assert page.locator("h1").inner_text() == "Moderation queue"
    queue = page.locator("#moderation-queue")
    assert queue.get_by_text("Offensive, insulting or hateful: 1").is_visible()
    axe_check(page)

    with page.expect_navigation():
        queue.get_by_role("link", name=report.title, exact=True).click()
    assert page.url.endswith(f"/moderation/case/report/{report.pk}/")
    assert page.get_by_text("Insults the neighbours at number 12.").is_visible()
    axe_check(page)

    page.get_by_label("Reason shown to the public").fill("Insults other residents (house rule 2).")
    submit(page, "#hide-form")
    assert page.get_by_text("Hidden. The public now sees your reason instead.").is_visible()
    axe_check(page)
    report.refresh_from_db()
    assert report.is_hidden

    page.goto("/moderation/?state=hidden")
    assert (
        page.locator("#moderation-queue")
        .get_by_role("link", name=report.title, exact=True)
        .is_visible()
    )


def test_flag_without_javascript(new_context, live_server, report, other_citizen):
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, other_citizen)
    page = context.new_page()
    page.goto(f"/moderation/flag/report/{report.pk}/")
    page.get_by_label("Something else").check()
    submit(page, "#flag-form")  # "something else" needs details
    assert (
        page.locator(".govuk-error-summary")
        .get_by_text("Tell the moderators what is wrong.")
        .is_visible()
    )
    page.get_by_label("Details (optional)").fill("Names a neighbour.")
    submit(page, "#flag-form")
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert Flag.objects.get().reason == "other"

    page.goto(f"/moderation/flag/report/{report.pk}/")
    assert page.get_by_text("You have already reported this.").is_visible()
    assert not Report.objects.get(pk=report.pk).is_hidden


def test_blocked_resident_appeals_and_moderator_decides(
    new_context, live_server, other_citizen, moderator, report
):
    services.block_user(moderator=moderator, user=other_citizen, notice="Advertising, again.")
    context = new_context()
    log_in_session(context, live_server.url, other_citizen)
    page = context.new_page()
    page.goto(f"/moderation/flag/report/{report.pk}/")
    assert page.get_by_text("Your account is blocked").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="See your block and appeal against it").click()
    assert page.locator("#block-notice").inner_text() == "Advertising, again."
    axe_check(page)
    page.get_by_label("Why should the block be lifted?").fill("I will stop, promised.")
    submit(page, "#appeal-form")
    assert page.get_by_text("Waiting for a moderator").is_visible()
    axe_check(page)

    enable_totp(moderator)
    other = new_context()
    log_in_session(other, live_server.url, moderator)
    page = other.new_page()
    page.goto("/moderation/users/")
    assert page.get_by_text("I will stop, promised.").is_visible()
    axe_check(page)
    appeal = BlockAppeal.objects.get()
    form = page.locator(f"#decide-{appeal.pk}")
    form.get_by_label("Lift the block").check()
    form.get_by_label("Answer to the person").fill("Thank you, welcome back.")
    submit(page, f"#decide-{appeal.pk}")
    assert page.get_by_text("Decided. The person was emailed your answer.").is_visible()
    other_citizen.refresh_from_db()
    assert not other_citizen.is_blocked
