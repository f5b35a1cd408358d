"""Budget pages in a browser: the budget with its project map, a project, the
results with their charts (axe-checked); a manager counts and publishes; the
results page without JavaScript."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import enable_totp
from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import services
from wegov.budgeting.models import Budget
from wegov.budgeting.tests.factories import BudgetFactory, BudgetProjectFactory, cast

from .support import axe_check, log_in_session

pytestmark = pytest.mark.browser


@pytest.fixture
def counted(city):
    """A closed vote, counted with greedy; the results not yet published."""
    now = timezone.now()
    budget = BudgetFactory(
        slug="centrum-2026",
        title="Centrum neighbourhood budget",
        district=city,
        amount=50_000,
        rule="greedy",
        voting_opens_at=now - dt.timedelta(days=3),
        voting_closes_at=now + dt.timedelta(days=1),
    )
    a = BudgetProjectFactory(budget=budget, title="Playground", estimated_cost=30_000)
    b = BudgetProjectFactory(budget=budget, title="Library corner", estimated_cost=30_000)
    c = BudgetProjectFactory(budget=budget, title="Tree planting", estimated_cost=20_000)
    BudgetProjectFactory(
        budget=budget,
        title="Moon base",
        estimated_cost=99_000,
        status="unfeasible",
        unfeasible_reason="The moon is outside the city.",
    )
    for choice in ([a, c], [a, b], [b, a], [c]):
        cast(budget, UserFactory(), choice)
    Budget.objects.filter(pk=budget.pk).update(voting_closes_at=now - dt.timedelta(hours=1))
    budget.refresh_from_db()
    return budget


def test_budget_project_and_results_pages(new_context, live_server, counted, process_manager):
    # A manager counts the ballots and publishes the results.
    enable_totp(process_manager)
    context = new_context()
    log_in_session(context, live_server.url, process_manager)
    page = context.new_page()
    page.goto(f"/budgets/manage/{counted.pk}/tally/")
    axe_check(page)
    page.get_by_label("Greedy by votes").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Count").click()
    assert "The ballots are counted" in page.locator("body").inner_text()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish these results").click()
    assert page.locator("h1").inner_text() == "Results"
    context.close()

    # Anyone reads the budget, a project and the results.
    context = new_context()
    page = context.new_page()
    page.goto("/budgets/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Centrum neighbourhood budget").click()
    assert page.locator("h1").inner_text() == "Centrum neighbourhood budget"
    assert page.locator("#budget-map").count() == 1
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Moon base").click()
    assert "The moon is outside the city." in page.locator("main").inner_text()
    axe_check(page)
    page.goto("/budgets/centrum-2026/results/")
    table = page.locator("#results-table")
    assert "less than its cost of 30,000 EUR" in table.inner_text()
    assert page.locator("svg[role=img] > title").count() == 2
    assert "100%" in page.locator("main").inner_text()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the results as a Pabulib file (.pb)").click()
    text = download.value.path().read_text(encoding="utf-8")
    tally = counted.tallies.get()
    assert f"input_hash;{tally.input_hash}" in text
    context.close()


def test_results_page_without_javascript(new_context, live_server, counted):
    tally = services.budget_tally(actor=None, budget=counted)
    services.results_publish(actor=None, budget=counted, tally=tally)
    # (axe-core needs JavaScript: the page is checked in the test above.)
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/budgets/centrum-2026/results/")
    assert page.locator("h1").inner_text() == "Results"
    assert page.locator("svg[role=img]").count() == 2
    assert page.locator("svg rect").first.is_visible()
    rows = page.locator("#results-table tbody tr")
    assert rows.count() == 3
    assert "Funded as number 1" in rows.first.inner_text()
    assert tally.input_hash in page.locator("main").inner_text()
    context.close()


def test_a_manager_creates_a_budget(new_context, live_server, process_manager, city):
    """The staff form: a mistake is explained and nothing typed is lost; then the
    budget is created and listed."""
    enable_totp(process_manager)
    page = new_context().new_page()
    log_in_session(page.context, live_server.url, process_manager)
    page.goto("/budgets/manage/new/")
    assert page.locator("h1").inner_text() == "Create a budget"
    axe_check(page)

    page.fill("#id_title", "Centrum green budget")
    page.fill("#id_slug", "centrum-green")
    page.fill("#id_amount", "0")
    page.select_option("#id_district", label=city.name)
    page.get_by_label("Knapsack", exact=False).check()
    with page.expect_navigation():
        page.locator("#budget-form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#id_title") == "Centrum green budget"
    assert not Budget.objects.filter(slug="centrum-green").exists()
    axe_check(page)

    page.fill("#id_amount", "75000")
    with page.expect_navigation():
        page.locator("#budget-form button[type=submit]").click()
    budget = Budget.objects.get(slug="centrum-green")
    assert (budget.amount, budget.ballot_type, budget.district) == (75_000, "knapsack", city)
    page.goto("/budgets/manage/")
    assert "Centrum green budget" in page.locator("main").inner_text()
    axe_check(page)
