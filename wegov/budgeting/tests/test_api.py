"""/api/v1/budgets/: public reads, drafts for managers only, reasons for 4xx."""

import pytest

from conftest import enable_totp
from wegov.accounts.services import token_create
from wegov.accounts.tests.factories import UserFactory

from .factories import BudgetFactory, BudgetProjectFactory
from .test_views import _counted_budget

pytestmark = pytest.mark.django_db

LIST = "/api/v1/budgets/"


def test_list_is_public_and_leaves_drafts_out(client, city, django_assert_max_num_queries):
    for _ in range(4):
        budget = BudgetFactory()
        BudgetProjectFactory.create_batch(3, budget=budget)
    BudgetFactory(title="Secret draft", is_published=False)
    BudgetFactory(district=city, title="Centrum budget")
    with django_assert_max_num_queries(4):
        response = client.get(LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 5
    assert "Secret draft" not in str(data)
    first = data["results"][0]
    assert {"slug", "amount", "currency", "phase", "ballot_type", "rule", "project_count"} <= set(
        first
    )
    assert {r["project_count"] for r in data["results"]} == {0, 3}
    only = client.get(LIST, {"district": "centrum"}).json()
    assert [r["title"] for r in only["results"]] == ["Centrum budget"]
    assert client.get(LIST, {"district": "city"}).json()["count"] == 4


@pytest.mark.parametrize(
    ("params", "status", "key"),
    [({"district": "atlantis"}, 400, "district"), ({"page": "9"}, 400, "page")],
)
def test_bad_filters_give_a_reason(client, params, status, key):
    response = client.get(LIST, params)
    assert response.status_code == status
    assert key in response.json()["detail"]


def test_detail_projects_and_results(client, django_assert_max_num_queries):
    budget = _counted_budget()
    with django_assert_max_num_queries(4):
        detail = client.get(f"{LIST}{budget.slug}").json()
    assert detail["amount"] == 50 and detail["phase"] == "results"
    assert detail["results_url"].endswith(f"/api/v1/budgets/{budget.slug}/results")
    with django_assert_max_num_queries(4):
        projects = client.get(f"{LIST}{budget.slug}/projects").json()
    assert {p["title"]: p["status"] for p in projects} == {
        "Playground": "funded",
        "Library corner": "feasible",
        "Tree planting": "funded",
        "Moon base": "unfeasible",
    }
    funded = client.get(f"{LIST}{budget.slug}/projects", {"status": "funded"}).json()
    assert len(funded) == 2
    bad = client.get(f"{LIST}{budget.slug}/projects", {"status": "great"})
    assert bad.status_code == 400 and "status" in bad.json()["detail"]
    with django_assert_max_num_queries(5):
        results = client.get(f"{LIST}{budget.slug}/results").json()
    tally = budget.tallies.get()
    assert results["input_hash"] == tally.input_hash
    assert results["selected"] == tally.selected
    assert results["satisfied_share"] == 1.0
    rows = {r["title"]: r for r in results["projects"]}
    assert rows["Library corner"]["reason"] == "did_not_fit"
    assert "less than its cost" in rows["Library corner"]["explanation"]
    assert results["pabulib_url"].endswith(f"/budgets/{budget.slug}/results.pb")


def test_results_not_published_is_404_with_a_reason(client):
    budget = BudgetFactory()
    response = client.get(f"{LIST}{budget.slug}/results")
    assert response.status_code == 404
    assert "not published" in response.json()["detail"]


def test_drafts_are_404_except_for_managers(client):
    draft = BudgetFactory(is_published=False)
    url = f"{LIST}{draft.slug}"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/projects").status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    manager = UserFactory(is_process_manager=True)
    enable_totp(manager)
    _token, key = token_create(actor=manager, name="cli", second_factor=True)
    response = client.get(url, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["phase"] == "draft"
    listed = client.get(LIST, headers={"Authorization": f"Bearer {key}"}).json()
    assert draft.slug not in str(listed)


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/budgets/",
        "/api/v1/budgets/{slug}",
        "/api/v1/budgets/{slug}/projects",
        "/api/v1/budgets/{slug}/results",
    ):
        assert path in paths
