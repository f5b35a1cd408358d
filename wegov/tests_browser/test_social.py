"""Following, notifications and profiles in a browser, with and without JavaScript."""

import pytest

from wegov.core import activity
from wegov.processes.tests.factories import ProcessFactory
from wegov.reports.tests.factories import CategoryFactory, ReportFactory
from wegov.social.models import Follow, Notification

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def process(city, department):
    return ProcessFactory(title="A greener Centrum", slug="greener", organisation=department)


@pytest.fixture
def report(city, department, other_citizen):
    category = CategoryFactory(department=department, name="Pothole", service_code="pothole")
    return ReportFactory(category=category, reporter=other_citizen, title="Hole in the cycle path")


def test_follow_get_notified_and_mark_read(
    new_context, live_server, citizen, other_citizen, report
):
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()

    # Follow another person from their profile (htmx swaps the button in place).
    page.goto(f"/people/{other_citizen.public_id}/")
    axe_check(page)
    page.get_by_role("button", name="Follow this person").click()
    page.get_by_role("button", name="Unfollow this person").wait_for()
    page.get_by_role("status").wait_for()
    assert Follow.objects.filter(user=citizen, target_kind="user").exists()
    axe_check(page)

    # The person does something: the citizen is notified.
    activity.publish(
        "proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk
    )
    assert Notification.objects.filter(recipient=citizen).count() == 1

    page.goto("/me/notifications/")
    assert "You have 1 unread notification." in page.content()
    assert page.locator("main .govuk-tag", has_text="Unread").count() == 1
    axe_check(page)
    submit(page, "form:has(button:has-text('Mark as read'))")
    assert page.locator("main .govuk-tag", has_text="Unread").count() == 0
    assert "You have 0 unread notifications." in page.content()

    # The home page shows it, also under "From what you follow".
    page.goto("/")
    assert "Hole in the cycle path" in page.content()
    page.get_by_role("link", name="From what you follow").click()
    page.wait_for_url("**/?feed=following*")
    assert "Bram Other" in page.locator("#activity-feed").inner_text()
    axe_check(page)

    # Opening a notification goes to what it is about.
    page.goto("/me/notifications/")
    page.get_by_role("link", name="“Hole in the cycle path”").click()
    page.wait_for_url(f"**/reports/{report.pk}/")


def test_follow_without_javascript(no_js_page, live_server, citizen, process):
    page = no_js_page
    log_in_session(page.context, live_server.url, citizen)
    page.goto(f"/processes/{process.slug}/")
    submit(page, "form.wegov-follow")
    assert page.url.endswith(f"/processes/{process.slug}/")
    html = page.content()
    assert "You follow this now" in html
    assert page.get_by_role("button", name="Unfollow this participatory process").is_visible()
    assert Follow.objects.filter(user=citizen, target_kind="process").exists()

    page.goto("/me/following/")
    assert "A greener Centrum" in page.content()
    submit(page, "form.wegov-follow")
    assert not Follow.objects.filter(user=citizen).exists()


def test_settings_profile_and_unsubscribe_pages(page, live_server, citizen, other_citizen, process):
    from wegov.social import services

    services.follow(actor=other_citizen, target_kind="user", target_id=citizen.pk)
    # Unsubscribing works without logging in.
    token = services.unsubscribe_token(citizen, "replies")
    page.goto(f"/notifications/unsubscribe/{token}/")
    axe_check(page)
    submit(page, "main form")
    assert "Emails stopped" in page.content()
    axe_check(page)

    log_in_session(page.context, live_server.url, citizen)
    page.goto("/me/notifications/settings/")
    axe_check(page)
    page.check("#id_new_contributions_0")
    submit(page, "main form")
    assert "Your notification settings have been saved." in page.content()

    services.follow(actor=citizen, target_kind="process", target_id=process.pk)
    page.goto("/me/following/")
    assert "A greener Centrum" in page.content()
    axe_check(page)

    page.goto("/me/public-profile/")
    axe_check(page)
    page.uncheck("#id_activity_public")
    submit(page, "main form")
    page.goto(f"/people/{citizen.public_id}/")
    assert "keeps their activity, followers and follows private" in page.content()
    assert "Bram Other" not in page.content()
    axe_check(page)
