"""Budget participation in a browser: a citizen submits a project and staff
evaluate it; a knapsack ballot whose running total updates live and is
announced, submitted, with a receipt code that checks out; the same ballot
without JavaScript through "Check my choices". axe-core on every page with
JavaScript (not on the no-JavaScript page: axe needs it)."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import enable_totp
from wegov.budgeting.models import Ballot, BallotChoice, BallotType, BudgetProject
from wegov.budgeting.tests.factories import BudgetFactory, BudgetProjectFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.residency.tests.factories import make_resident

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def budget(db, department):
    budget = BudgetFactory(
        slug="centrum-2027",
        title="Centrum budget 2027",
        process=ProcessFactory(organisation=department, phase=PhaseKind.VOTING),
        ballot_type=BallotType.KNAPSACK,
        amount=100_000,
        voting_opens_at=timezone.now() - dt.timedelta(days=1),
        voting_closes_at=timezone.now() + dt.timedelta(days=6),
    )
    for title, cost in [("Benches", 20_000), ("Cycle path", 60_000), ("Trees", 30_000)]:
        BudgetProjectFactory(budget=budget, title=title, estimated_cost=cost)
    return budget


@pytest.fixture
def voter(db):
    return make_resident(display_name="Rita Resident")


def test_citizen_fills_a_knapsack_ballot_and_checks_the_receipt(
    new_context, live_server, budget, voter
):
    context = new_context()
    log_in_session(context, live_server.url, voter)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/budgets/centrum-2027/ballot/")
    total = page.locator("#ballot-total-text")
    live = page.locator("#ballot-live")
    assert total.inner_text() == "Chosen: 0 EUR of 100,000 EUR. Left: 100,000 EUR."
    axe_check(page)

    page.get_by_label("Benches").check()
    page.get_by_label("Cycle path").check()
    assert total.inner_text() == "Chosen: 80,000 EUR of 100,000 EUR. Left: 20,000 EUR."
    live.filter(has_text="Chosen: 80,000 EUR").wait_for()
    page.get_by_label("Trees").check()
    expected = (
        "Chosen: 110,000 EUR of 100,000 EUR. That is 10,000 EUR over the budget: "
        "leave some projects out."
    )
    assert total.inner_text() == expected
    live.filter(has_text="over the budget").wait_for()
    assert page.locator("#ballot-progress").evaluate("el => el.value") == 100_000
    page.get_by_label("Cycle path").uncheck()
    assert total.inner_text() == "Chosen: 50,000 EUR of 100,000 EUR. Left: 50,000 EUR."

    with page.expect_navigation():
        page.get_by_role("button", name="Submit my ballot").click()
    assert page.url.endswith("/budgets/centrum-2027/ballot/saved/")
    assert page.get_by_role("heading", name="Your ballot is saved").is_visible()
    code = page.locator("#receipt-code").inner_text()
    ballot = Ballot.objects.get(voter=voter)
    assert code.replace("-", "") == ballot.receipt_code
    axe_check(page)

    page.goto("/budgets/receipts/")
    page.get_by_label("Receipt code").fill(code.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="Check").click()
    result = page.locator("#receipt-result")
    assert "Benches" in result.inner_text() and "Trees" in result.inner_text()
    assert "Cycle path" not in result.inner_text()
    assert "Rita Resident" not in page.locator("#main-content").inner_text()
    axe_check(page)
    assert errors == []


def test_knapsack_ballot_without_javascript(new_context, live_server, budget, voter):
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, voter)
    page = context.new_page()
    page.goto("/budgets/centrum-2027/ballot/")
    for title in ("Benches", "Cycle path", "Trees"):
        page.get_by_label(title).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Check my choices").click()
    assert "That is 10,000 EUR over the budget" in page.locator("#ballot-total-text").inner_text()
    assert page.locator(".govuk-error-summary").is_visible()
    assert not Ballot.objects.exists()
    # The choices are kept on the page: take one out, check again, then submit.
    assert page.get_by_label("Trees").is_checked()
    page.get_by_label("Trees").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Check my choices").click()
    assert page.locator("#ballot-total-text").inner_text() == (
        "Chosen: 80,000 EUR of 100,000 EUR. Left: 20,000 EUR."
    )
    assert page.locator("#ballot-checked").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit my ballot").click()
    assert page.get_by_role("heading", name="Your ballot is saved").is_visible()
    assert BallotChoice.objects.count() == 2


def test_citizen_submits_a_project_and_staff_evaluate_it(
    new_context, live_server, city, department, citizen, staff
):
    BudgetFactory(
        slug="parks-2027",
        title="Parks budget 2027",
        process=ProcessFactory(organisation=department, phase=PhaseKind.PROPOSALS),
        amount=50_000,
        voting_opens_at=timezone.now() + dt.timedelta(days=20),
        voting_closes_at=timezone.now() + dt.timedelta(days=30),
    )
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/budgets/parks-2027/projects/new/")
    axe_check(page)
    page.get_by_label("Title").fill("A drinking fountain")
    page.get_by_label("Description").fill("Next to the playground, for children and dogs.")
    page.get_by_label("Estimated cost").fill("90000")
    submit(page, "#project-form")
    assert "at most the whole budget" in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    page.get_by_label("Estimated cost").fill("9000")
    submit(page, "#project-form")
    project = BudgetProject.objects.get()
    assert project.author == citizen and project.estimated_cost == 9_000

    enable_totp(staff)
    staff_context = new_context()
    log_in_session(staff_context, live_server.url, staff)
    page = staff_context.new_page()
    page.goto("/budgets/parks-2027/evaluation/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="A drinking fountain").click()
    page.get_by_label("Not feasible").check()
    submit(page, "#evaluation-form")
    assert "Say why" in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    page.get_by_label("Feasible: put it on the ballot").check()
    page.get_by_label("Corrected cost (optional)").fill("12000")
    submit(page, "#evaluation-form")
    assert page.url.endswith("/budgets/parks-2027/evaluation/")
    project.refresh_from_db()
    assert project.status == "feasible" and project.cost == 12_000
