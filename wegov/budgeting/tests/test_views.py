"""Budget pages: who sees what (a role matrix), the results page's content,
the managers' pages, and query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import pb, services
from wegov.budgeting.models import Budget, BudgetProject, TallyRecord
from wegov.processes.tests.factories import ProcessFactory

from .factories import BudgetFactory, BudgetProjectFactory, cast

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "other_citizen",
    "other_staff",
    "moderator",
    "admin_user",
    "process_manager",
]
MANAGERS = {"admin_user", "process_manager"}


def _counted_budget(**kwargs) -> Budget:
    """A budget whose vote closed, counted with greedy and published."""
    now = timezone.now()
    budget = BudgetFactory(
        amount=50,
        rule="greedy",
        voting_opens_at=now - dt.timedelta(days=3),
        voting_closes_at=now + dt.timedelta(days=1),
        **kwargs,
    )
    a = BudgetProjectFactory(budget=budget, title="Playground", estimated_cost=30)
    b = BudgetProjectFactory(budget=budget, title="Library corner", estimated_cost=30)
    c = BudgetProjectFactory(budget=budget, title="Tree planting", estimated_cost=20)
    BudgetProjectFactory(
        budget=budget, title="Moon base", status="unfeasible", unfeasible_reason="Too far away"
    )
    for choice in ([a, c], [a, b], [b, a]):
        cast(budget, UserFactory(), choice)
    Budget.objects.filter(pk=budget.pk).update(voting_closes_at=now - dt.timedelta(hours=1))
    budget.refresh_from_db()
    tally = services.budget_tally(actor=None, budget=budget)
    services.results_publish(actor=None, budget=budget, tally=tally)
    budget.refresh_from_db()
    return budget


@pytest.fixture
def other_citizen(db):
    return UserFactory(display_name="Otto Other")


@pytest.mark.parametrize("role", ROLES)
def test_published_budget_pages_are_public(as_role, role):
    budget = _counted_budget()
    project = budget.projects.get(title="Playground")
    client, _user = as_role(role)
    for url in (
        reverse("budgeting:list"),
        budget.get_absolute_url(),
        reverse("budgeting:project_list", args=[budget.slug]),
        project.get_absolute_url(),
        reverse("budgeting:projects_geojson", args=[budget.slug]),
        reverse("budgeting:results", args=[budget.slug]),
        reverse("budgeting:results_pabulib", args=[budget.slug]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_budgets_are_404_except_for_managers(as_role, role):
    budget = _counted_budget(is_published=False)
    project = budget.projects.first()
    client, _user = as_role(role)
    expected = 200 if role in MANAGERS else 404
    for url in (
        budget.get_absolute_url(),
        project.get_absolute_url(),
        reverse("budgeting:results", args=[budget.slug]),
        reverse("budgeting:projects_geojson", args=[budget.slug]),
    ):
        assert client.get(url).status_code == expected, url
    listed = budget.title in client.get(reverse("budgeting:list")).content.decode()
    assert listed == (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_a_budget_of_an_unpublished_process_is_hidden(as_role, role):
    budget = BudgetFactory(process=ProcessFactory(is_published=False))
    client, _user = as_role(role)
    assert client.get(budget.get_absolute_url()).status_code == (200 if role in MANAGERS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_manager_pages_matrix(as_role, role):
    budget = _counted_budget()
    client, _user = as_role(role)
    urls = [
        reverse("budgeting:manage_list"),
        reverse("budgeting:manage_create"),
        reverse("budgeting:manage_edit", args=[budget.pk]),
        reverse("budgeting:manage_tally", args=[budget.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code == (200 if role in MANAGERS else 403), url
    tally = budget.tallies.get()
    response = client.post(reverse("budgeting:manage_withdraw", args=[budget.pk]))
    assert response.status_code in ((302,) if role in MANAGERS or role == "anonymous" else (403,))
    budget.refresh_from_db()
    assert (budget.results_published_at is None) == (role in MANAGERS)
    response = client.post(reverse("budgeting:manage_publish", args=[budget.pk, tally.pk]))
    budget.refresh_from_db()
    assert budget.results_published_at is not None


def test_results_before_publication_are_404_for_the_public_and_a_preview_for_managers(as_role):
    budget = BudgetFactory(
        voting_opens_at=timezone.now() - dt.timedelta(days=3),
        voting_closes_at=timezone.now() - dt.timedelta(days=1),
        rule="greedy",
    )
    project = BudgetProjectFactory(budget=budget)
    cast(budget, UserFactory(), [project])
    url = reverse("budgeting:results", args=[budget.slug])
    client, _ = as_role("citizen")
    assert client.get(url).status_code == 404
    assert client.get(reverse("budgeting:results_pabulib", args=[budget.slug])).status_code == 404
    services.budget_tally(actor=None, budget=budget)
    assert client.get(url).status_code == 404
    client, _ = as_role("process_manager")
    response = client.get(url)
    assert response.status_code == 200
    assert "Preview" in response.content.decode()


def test_results_page_explains_every_project():
    budget = _counted_budget()
    from django.test import Client

    page = Client().get(reverse("budgeting:results", args=[budget.slug])).content.decode()
    tally = budget.tallies.get()
    assert tally.input_hash in page
    assert "2 projects are funded" in page
    assert "Playground" in page and "Tree planting" in page and "Library corner" in page
    assert "Moon base" not in page  # not on the ballot, so not in the count
    assert "less than its cost of 30" in page  # the library corner did not fit
    assert "100%" in page  # every voter has a funded project they voted for
    assert page.count("<svg") == 2
    assert '<title id="votes-chart-title">' in page and "<desc" in page
    assert 'id="results-table"' in page
    assert "<script" not in page.split("</main>")[0].split('id="main-content"')[1]


def test_the_pabulib_download_is_the_published_outcome():
    budget = _counted_budget()
    from django.test import Client

    response = Client().get(reverse("budgeting:results_pabulib", args=[budget.slug]))
    assert response["Content-Disposition"] == f'attachment; filename="{budget.slug}.pb"'
    instance = pb.loads(response.content.decode())
    tally = budget.tallies.get()
    assert instance.meta["input_hash"] == tally.input_hash
    assert instance.meta["rule"] == "greedy"
    funded = {str(p.pk) for p in budget.projects.filter(is_funded=True)}
    assert {pid for pid, p in instance.projects.items() if p.fields["selected"] == "1"} == funded
    assert len(instance.votes) == 3


def test_project_pages_show_evaluation_and_result(client):
    budget = _counted_budget()
    unfeasible = budget.projects.get(title="Moon base")
    page = client.get(unfeasible.get_absolute_url()).content.decode()
    assert "Too far away" in page
    funded = budget.projects.get(title="Playground")
    page = client.get(funded.get_absolute_url()).content.decode()
    assert "Funded as number 1" in page
    withdrawn = BudgetProjectFactory(budget=budget, status="withdrawn")
    assert client.get(withdrawn.get_absolute_url()).status_code == 404
    hidden = BudgetProjectFactory(budget=budget, is_hidden=True)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    other = BudgetProjectFactory()
    assert (
        client.get(reverse("budgeting:project_detail", args=[budget.slug, other.pk])).status_code
        == 404
    )
    geo = client.get(reverse("budgeting:projects_geojson", args=[budget.slug])).json()
    assert {f["properties"]["title"] for f in geo["features"]} == {
        "Playground",
        "Library corner",
        "Tree planting",
        "Moon base",
    }


def test_budget_page_links_the_ballot_while_voting(client):
    budget = BudgetFactory()
    BudgetProjectFactory(budget=budget)
    page = client.get(budget.get_absolute_url()).content.decode()
    assert "Voting is open" in page
    assert reverse("budgeting:ballot", args=[budget.slug]) in page
    budget.voting_opens_at = timezone.now() + dt.timedelta(days=1)
    budget.voting_closes_at = timezone.now() + dt.timedelta(days=2)
    budget.save()
    page = client.get(budget.get_absolute_url()).content.decode()
    assert reverse("budgeting:ballot", args=[budget.slug]) not in page


def test_project_list_filters_by_evaluation(client):
    budget = BudgetFactory()
    BudgetProjectFactory(budget=budget, title="Feasible one")
    BudgetProjectFactory(budget=budget, title="Bad one", status="unfeasible", unfeasible_reason="x")
    url = reverse("budgeting:project_list", args=[budget.slug])
    page = client.get(url, {"status": "unfeasible"}).content.decode()
    assert "Bad one" in page and "Feasible one" not in page
    page = client.get(url, {"status": "nonsense"}).content.decode()
    assert "Bad one" in page and "Feasible one" in page


def test_list_and_detail_query_counts(client, django_assert_max_num_queries):
    for _ in range(3):
        budget = _counted_budget()
        for _ in range(5):
            BudgetProjectFactory(budget=budget)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("budgeting:list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(budget.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("budgeting:results", args=[budget.slug])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("budgeting:project_list", args=[budget.slug])).status_code == 200


def test_manager_creates_edits_counts_and_publishes(as_role):
    client, manager = as_role("process_manager")
    now = timezone.now()
    data = {
        "title": "Park budget 2026",
        "slug": "park-budget-2026",
        "description": "For the parks.\n\nVote in May.",
        "amount": "50000",
        "currency": "eur",
        "ballot_type": "approval",
        "min_choices": "1",
        "max_choices": "",
        "points_total": "",
        "rule": "mes",
        "voting_opens_at": (now + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "voting_closes_at": (now + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "is_published": "on",
    }
    response = client.post(reverse("budgeting:manage_create"), data)
    assert response.status_code == 302
    budget = Budget.objects.get(slug="park-budget-2026")
    assert budget.currency == "EUR" and budget.created_by == manager
    assert "<p>For the parks.</p>" in budget.description
    bad = {**data, "slug": "park-budget-2026", "voting_closes_at": data["voting_opens_at"]}
    response = client.post(reverse("budgeting:manage_create"), bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Another budget already uses this short name" in page
    assert "Voting must close after it opens" in page
    edit = {**data, "amount": "60000", "ballot_type": "cumulative"}
    response = client.post(reverse("budgeting:manage_edit", args=[budget.pk]), edit)
    assert response.status_code == 400
    assert "Cumulative ballots need the number of points" in response.content.decode()
    edit["points_total"] = "10"
    response = client.post(reverse("budgeting:manage_edit", args=[budget.pk]), edit)
    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.amount, budget.points_total) == (60000, 10)
    response = client.post(reverse("budgeting:manage_tally", args=[budget.pk]), {"rule": "mes"})
    assert response.status_code == 400
    assert "no projects on the ballot" in response.content.decode()


def test_ballot_settings_freeze_once_ballots_are_cast():
    budget = BudgetFactory()
    project = BudgetProjectFactory(budget=budget)
    cast(budget, UserFactory(), [project])
    data = services.BudgetInput(
        title=budget.title,
        slug=budget.slug,
        amount=budget.amount + 1,
        ballot_type=budget.ballot_type,
        rule=budget.rule,
        voting_opens_at=budget.voting_opens_at,
        voting_closes_at=budget.voting_closes_at + dt.timedelta(days=1),
        is_published=True,
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        services.budget_update(actor=None, budget=budget, data=data)
    assert "amount" in excinfo.value.message_dict
    data.amount = budget.amount
    services.budget_update(actor=None, budget=budget, data=data)  # closing later is fine
    budget.refresh_from_db()
    assert budget.voting_closes_at == data.voting_closes_at
    assert not TallyRecord.objects.exists()
    assert BudgetProject.objects.count() == 1


def test_budget_page_has_the_participation_links(client):
    budget = BudgetFactory()
    page = client.get(budget.get_absolute_url()).content.decode()
    assert reverse("budgeting:receipt_check") in page
    assert reverse("budgeting:my_ballot", args=[budget.slug]) not in page
