"""Participation pages: permissions matrix, forms, the no-JavaScript ballot, receipts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import participation as p
from wegov.budgeting.models import Ballot, BallotChoice, BallotType, BudgetProject
from wegov.residency.tests.factories import make_resident

from .factories import BudgetProjectFactory
from .participation_helpers import budget_in

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "other_citizen", "other_staff", "moderator", "admin_user"]


@pytest.fixture
def resident(db):
    return make_resident(display_name="Rita Resident")


def url(name, budget, *args):
    return reverse(f"budgeting:{name}", args=[budget.slug, *args])


def is_login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Project submission ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_submit_page_matrix(as_role, role):
    budget = budget_in("proposals")
    client, _user = as_role(role)
    response = client.get(url("project_submit", budget))
    if role == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == 200
        assert b'id="project-form"' in response.content


def test_submit_page_refuses_outside_the_proposals_phase(as_role):
    budget = budget_in("evaluation")
    client, _user = as_role("citizen")
    response = client.get(url("project_submit", budget))
    assert response.status_code == 403
    assert b"takes no new projects now" in response.content


def test_unpublished_budget_is_not_found(as_role):
    budget = budget_in("proposals", is_published=False)
    client, _user = as_role("citizen")
    assert client.get(url("project_submit", budget)).status_code == 404


def test_submit_a_project(as_role):
    budget = budget_in("proposals")
    client, user = as_role("citizen")
    response = client.post(
        url("project_submit", budget),
        {
            "title": "A drinking fountain",
            "description": "Near the playground.",
            "estimated_cost": "8000",
        },
    )
    project = BudgetProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.author == user and project.status == "submitted"


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"estimated_cost": "0"}, "The cost must be more than 0."),
        ({"estimated_cost": "lots"}, "Enter the cost as a whole number"),
        ({"estimated_cost": "100001"}, "The cost can be at most the whole budget"),
        ({"title": ""}, "Give your project a title."),
        ({"lat": "52.15"}, "Give both latitude and longitude, or neither."),
        ({"lat": "10", "lon": "10"}, "This place is outside the city."),
    ],
)
def test_submit_errors_are_shown(as_role, city, post, message):
    budget = budget_in("proposals")
    client, _user = as_role("citizen")
    data = {"title": "A fountain", "description": "Near the playground.", "estimated_cost": "8000"}
    data.update(post)
    response = client.post(url("project_submit", budget), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BudgetProject.objects.exists()


# --- Evaluation -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*ROLES, "staff", "process_manager"])
def test_evaluation_queue_matrix(as_role, role, department):
    budget = budget_in("evaluation", organisation=department)
    BudgetProjectFactory(budget=budget, status="submitted", title="Swings for the park")
    client, _user = as_role(role)
    response = client.get(url("evaluation_queue", budget))
    if role == "anonymous":
        assert is_login_redirect(response)
    elif role in {"staff", "process_manager", "admin_user"}:
        assert response.status_code == 200
        assert b"Swings for the park" in response.content
    else:
        assert response.status_code == 403


def test_evaluation_queue_filters_by_status(as_role, department):
    budget = budget_in("evaluation", organisation=department)
    BudgetProjectFactory(budget=budget, status="submitted", title="Swings")
    BudgetProjectFactory(budget=budget, status="feasible", title="Benches")
    client, _user = as_role("staff")
    page = client.get(url("evaluation_queue", budget)).content.decode()
    assert "Swings" in page and "Benches" not in page
    page = client.get(url("evaluation_queue", budget) + "?status=feasible").content.decode()
    assert "Benches" in page and "Swings" not in page
    page = client.get(url("evaluation_queue", budget) + "?status=nonsense").content.decode()
    assert "Swings" in page


def test_evaluation_queue_query_count(as_role, department, django_assert_max_num_queries):
    budget = budget_in("evaluation", organisation=department)
    for _ in range(3):
        BudgetProjectFactory(budget=budget, status="submitted", author=UserFactory())
    client, _user = as_role("staff")
    client.get(url("evaluation_queue", budget))  # warm the session and caches
    with django_assert_max_num_queries(14) as few:
        client.get(url("evaluation_queue", budget))
    for _ in range(12):
        BudgetProjectFactory(budget=budget, status="submitted", author=UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("evaluation_queue", budget))
    assert response.content.decode().count("/evaluation/") >= 15


def test_evaluate_a_project(as_role, department):
    budget = budget_in("evaluation", organisation=department)
    project = BudgetProjectFactory(budget=budget, status="submitted")
    client, user = as_role("staff")
    assert client.get(url("project_evaluate", budget, project.pk)).status_code == 200
    response = client.post(
        url("project_evaluate", budget, project.pk), {"decision": "unfeasible", "reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the project is not feasible" in response.content.decode()
    response = client.post(
        url("project_evaluate", budget, project.pk),
        {"decision": "feasible", "final_cost": "30000"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "feasible" and project.final_cost == 30_000
    assert project.evaluated_by == user


def test_evaluation_errors_from_the_service_show_on_the_form(as_role, department):
    budget = budget_in("evaluation", organisation=department)
    project = BudgetProjectFactory(budget=budget, status="submitted")
    client, _user = as_role("staff")
    response = client.post(
        url("project_evaluate", budget, project.pk),
        {"decision": "feasible", "final_cost": "500000"},
    )
    assert response.status_code == 400
    assert "must cost at most the whole budget" in response.content.decode()


def test_evaluation_closes_when_the_vote_opens(as_role, department):
    budget = budget_in("voting", organisation=department)
    project = BudgetProjectFactory(budget=budget, status="submitted")
    client, _user = as_role("staff")
    response = client.post(url("project_evaluate", budget, project.pk), {"decision": "feasible"})
    assert response.status_code == 403
    assert b"The vote has opened" in response.content
    project.refresh_from_db()
    assert project.status == "submitted"


def test_evaluation_of_another_budgets_project_is_not_found(as_role, department):
    budget = budget_in("evaluation", organisation=department)
    other = BudgetProjectFactory(status="submitted")
    client, _user = as_role("staff")
    assert client.get(url("project_evaluate", budget, other.pk)).status_code == 404


# --- Ballot -----------------------------------------------------------------------------------


def ballot_budget(kind=BallotType.KNAPSACK, **kwargs):
    budget = budget_in("voting", ballot_type=kind, **kwargs)
    projects = [
        BudgetProjectFactory(budget=budget, title=title, estimated_cost=cost)
        for title, cost in [("Benches", 20_000), ("Cycle path", 60_000), ("Trees", 30_000)]
    ]
    return budget, projects


@pytest.mark.parametrize("role", [*ROLES, "resident"])
def test_ballot_page_matrix(request, client, as_role, role):
    budget, _projects = ballot_budget()
    if role == "resident":
        client.force_login(request.getfixturevalue("resident"))
    else:
        client, _user = as_role(role)
    response = client.get(url("ballot", budget))
    if role == "anonymous":
        assert is_login_redirect(response)
    elif role == "resident":
        assert response.status_code == 200
        assert b'id="ballot-form"' in response.content
    else:
        assert response.status_code == 403
        assert b"Only verified residents" in response.content


@pytest.mark.parametrize("moment", ["proposals", "evaluation", "closed"])
def test_ballot_page_outside_the_window(client, resident, moment):
    budget = budget_in(moment)
    client.force_login(resident)
    response = client.get(url("ballot", budget))
    assert response.status_code == 403


def test_check_my_choices_shows_the_total_without_saving(client, resident):
    budget, (benches, path, _trees) = ballot_budget()
    client.force_login(resident)
    response = client.post(
        url("ballot", budget), {"projects": [benches.pk, path.pk], "action": "check"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chosen: 80,000 EUR of 100,000 EUR. Left: 20,000 EUR." in page
    assert "not saved yet" in page
    assert not Ballot.objects.exists()


def test_check_over_the_budget_shows_an_error(client, resident):
    budget, projects = ballot_budget()
    client.force_login(resident)
    response = client.post(
        url("ballot", budget), {"projects": [p.pk for p in projects], "action": "check"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "That is 10,000 EUR over the budget" in page
    assert "more than the budget of 100,000 EUR" in page
    assert not Ballot.objects.exists()


def test_submit_and_change_a_ballot(client, resident):
    budget, (benches, path, trees) = ballot_budget()
    client.force_login(resident)
    response = client.post(url("ballot", budget), {"projects": [benches.pk], "action": "submit"})
    assert response.status_code == 302
    assert response["Location"] == url("ballot_confirmation", budget)
    ballot = Ballot.objects.get(voter=resident)
    page = client.get(response["Location"]).content.decode()
    assert "Your ballot is saved" in page
    assert p.format_receipt(ballot.receipt_code) in page
    # The ballot page starts from the saved choices.
    page = client.get(url("ballot", budget)).content.decode()
    assert re.search(rf'value="{benches.pk}"[^>]*checked', page)
    assert "You have voted" in page
    # An invalid change is refused and keeps the saved ballot.
    response = client.post(
        url("ballot", budget),
        {"projects": [benches.pk, path.pk, trees.pk], "action": "submit"},
    )
    assert response.status_code == 400
    assert "your saved ballot still counts" in response.content.decode()
    assert list(BallotChoice.objects.values_list("project", flat=True)) == [benches.pk]
    # A valid change replaces the choices and keeps the receipt.
    response = client.post(
        url("ballot", budget), {"projects": [path.pk, trees.pk], "action": "submit"}
    )
    assert response.status_code == 302
    again = Ballot.objects.get(voter=resident)
    assert again.receipt_code == ballot.receipt_code
    assert sorted(BallotChoice.objects.values_list("project", flat=True)) == [path.pk, trees.pk]
    page = client.get(response["Location"]).content.decode()
    assert "Your ballot is saved" in page
    # Reloading the confirmation later shows the ballot without the "saved" title.
    page = client.get(url("ballot_confirmation", budget)).content.decode()
    assert "Your ballot is saved" not in page and "Trees" in page


@pytest.mark.parametrize(
    "post",
    [
        {"projects": ["999999"]},
        {"projects": ["abc"]},
        {"projects": []},
        {},
    ],
)
def test_bad_ballot_input_is_a_form_error(client, resident, post):
    budget, _projects = ballot_budget()
    client.force_login(resident)
    response = client.post(url("ballot", budget), {**post, "action": "submit"})
    assert response.status_code == 400
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert not Ballot.objects.exists()


def test_foreign_project_id_is_refused(client, resident):
    budget, _projects = ballot_budget()
    foreign = BudgetProjectFactory()
    pending = BudgetProjectFactory(budget=budget, status="submitted")
    client.force_login(resident)
    for pk in (foreign.pk, pending.pk):
        response = client.post(url("ballot", budget), {"projects": [pk], "action": "submit"})
        assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_cumulative_ballot(client, resident):
    budget, (benches, path, trees) = ballot_budget(BallotType.CUMULATIVE, points_total=10)
    client.force_login(resident)
    page = client.get(url("ballot", budget)).content.decode()
    assert "Points given: 0 of 10. Left: 10." in page
    data = {f"points_{benches.pk}": "7", f"points_{path.pk}": "5", "action": "check"}
    response = client.post(url("ballot", budget), data)
    assert response.status_code == 400
    assert "Points given: 12 of 10. That is 2 too many." in response.content.decode()
    data = {f"points_{benches.pk}": "-1", f"points_{path.pk}": "x", "action": "submit"}
    response = client.post(url("ballot", budget), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Points cannot be negative." in page and "Enter whole points" in page
    data = {f"points_{benches.pk}": "6", f"points_{trees.pk}": "4", "action": "submit"}
    assert client.post(url("ballot", budget), data).status_code == 302
    assert dict(BallotChoice.objects.values_list("project", "points")) == {
        benches.pk: 6,
        trees.pk: 4,
    }


def test_ranked_ballot(client, resident):
    budget, (benches, path, trees) = ballot_budget(BallotType.RANKED, max_choices=2)
    client.force_login(resident)
    page = client.get(url("ballot", budget)).content.decode()
    assert page.count("data-rank") == 3 and '<option value="3"' not in page
    data = {f"rank_{benches.pk}": "1", f"rank_{path.pk}": "1", "action": "submit"}
    response = client.post(url("ballot", budget), data)
    assert response.status_code == 400
    assert "Give each project a different rank." in response.content.decode()
    data = {f"rank_{benches.pk}": "9", "action": "submit"}
    assert client.post(url("ballot", budget), data).status_code == 400
    data = {f"rank_{trees.pk}": "1", f"rank_{benches.pk}": "2", "action": "submit"}
    assert client.post(url("ballot", budget), data).status_code == 302
    assert dict(BallotChoice.objects.values_list("project", "rank")) == {
        trees.pk: 1,
        benches.pk: 2,
    }
    page = client.get(url("my_ballot", budget)).content.decode()
    assert page.index("Trees") < page.index("Benches")


def test_approval_ballot_counts(client, resident):
    budget, (benches, path, _trees) = ballot_budget(BallotType.APPROVAL, max_choices=1)
    client.force_login(resident)
    response = client.post(
        url("ballot", budget), {"projects": [benches.pk, path.pk], "action": "check"}
    )
    page = response.content.decode()
    assert "Projects chosen: 2." in page and "Choose at most 1 project." in page


def test_my_ballot_without_a_ballot_goes_to_the_ballot(client, resident):
    budget, _projects = ballot_budget()
    client.force_login(resident)
    response = client.get(url("my_ballot", budget))
    assert response.status_code == 302 and response["Location"] == url("ballot", budget)


def test_after_close_the_ballot_page_links_to_my_ballot(client, resident):
    budget, (benches, _path, _trees) = ballot_budget()
    p.ballot_cast(actor=resident, budget=budget, selection={benches.pk: 1})
    budget.voting_closes_at = timezone.now() - dt.timedelta(minutes=1)
    budget.save(update_fields=["voting_closes_at"])
    client.force_login(resident)
    response = client.get(url("ballot", budget))
    assert response.status_code == 403
    assert url("my_ballot", budget).encode() in response.content
    page = client.get(url("my_ballot", budget)).content.decode()
    assert "can no longer be changed" in page


# --- Receipts --------------------------------------------------------------------------------


def test_receipt_check_shows_the_ballot_but_not_the_voter(client, resident):
    budget, (benches, _path, trees) = ballot_budget()
    ballot = p.ballot_cast(actor=resident, budget=budget, selection={benches.pk: 1, trees.pk: 1})
    response = client.get(reverse("budgeting:receipt_check"), {"code": ballot.receipt_code.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Benches" in page and "Trees" in page and "Cycle path" not in page
    assert "Stored: it will be counted when the vote closes" in page
    assert "Rita Resident" not in page and resident.email not in page


def test_receipt_check_after_anonymisation(client, resident):
    budget, (benches, _path, _trees) = ballot_budget()
    ballot = p.ballot_cast(actor=resident, budget=budget, selection={benches.pk: 1})
    budget.voting_closes_at = timezone.now() - dt.timedelta(minutes=1)
    budget.save(update_fields=["voting_closes_at"])
    p.ballots_anonymise(budget=budget)
    page = client.get(reverse("budgeting:receipt_check"), {"code": ballot.receipt_code}).content
    assert b"Counted: this ballot is part of the vote." in page
    assert b"no longer linked to any account" in page


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the receipt code"),
        ("--", "Enter the receipt code"),
        ("ABCD-EFGH-JKMN", "No ballot has this receipt code"),
    ],
)
def test_receipt_check_errors(client, code, message):
    response = client.get(reverse("budgeting:receipt_check"), {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_receipt_of_an_unpublished_budget_is_not_shown(client, resident):
    budget, (benches, _path, _trees) = ballot_budget()
    ballot = p.ballot_cast(actor=resident, budget=budget, selection={benches.pk: 1})
    budget.is_published = False
    budget.save(update_fields=["is_published"])
    page = client.get(reverse("budgeting:receipt_check"), {"code": ballot.receipt_code}).content
    assert b"No ballot has this receipt code" in page


def test_receipt_page_without_a_code(client):
    response = client.get(reverse("budgeting:receipt_check"))
    assert response.status_code == 200 and b"There is a problem" not in response.content


@pytest.mark.parametrize("kind", [BallotType.KNAPSACK, BallotType.CUMULATIVE, BallotType.RANKED])
def test_ballot_page_query_count(client, resident, kind, django_assert_max_num_queries):
    budget, projects = ballot_budget(kind, points_total=10)
    p.ballot_cast(actor=resident, budget=budget, selection={projects[0].pk: 1})
    client.force_login(resident)
    client.get(url("ballot", budget))
    with django_assert_max_num_queries(14) as few:
        client.get(url("ballot", budget))
    for i in range(20):
        BudgetProjectFactory(budget=budget, title=f"More {i}", estimated_cost=1_000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("ballot", budget))
    assert response.content.decode().count("More ") >= 20


@pytest.mark.parametrize(
    ("role", "moment", "expected"),
    [
        ("anonymous", "proposals", {"receipts"}),
        ("citizen", "proposals", {"projects/new", "ballot/mine", "receipts"}),
        ("citizen", "evaluation", {"ballot/mine", "receipts"}),
        ("staff", "evaluation", {"evaluation", "ballot/mine", "receipts"}),
        ("admin_user", "voting", {"evaluation", "ballot/mine", "receipts"}),
    ],
)
def test_participation_links(rf, request, role, moment, expected, department):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    budget = budget_in(moment, organisation=department)
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    html = render_to_string("budgeting/ballot_links.html", {"budget": budget, "user": user})
    links = {
        href.removeprefix(f"/budgets/{budget.slug}/").removeprefix("/budgets/").strip("/")
        for href in re.findall(r'href="([^"]+)"', html)
    }
    assert links == expected


def test_evaluation_queue_pages(as_role, department, monkeypatch):
    from wegov.budgeting import views_participation

    monkeypatch.setattr(views_participation, "QUEUE_PER_PAGE", 2)
    budget = budget_in("evaluation", organisation=department)
    for i in range(5):
        BudgetProjectFactory(budget=budget, status="submitted", title=f"Idea {i}")
    client, _user = as_role("staff")
    first = client.get(url("evaluation_queue", budget)).content.decode()
    assert "Idea 0" in first and "Idea 1" in first and "Idea 2" not in first
    assert "page=2" in first
    last = client.get(url("evaluation_queue", budget), {"page": "3"}).content.decode()
    assert "Idea 4" in last and "Idea 0" not in last
    assert client.get(url("evaluation_queue", budget), {"page": "x"}).status_code == 200
