"""Budget projects on the map (through the registry) and in open data."""

import pytest

from wegov.budgeting import services
from wegov.budgeting.opendata import DATASET
from wegov.core import registry
from wegov.mapview.models import MapItem
from wegov.processes.tests.factories import ProcessFactory

from .factories import BudgetFactory, BudgetProjectFactory
from .test_views import _counted_budget

pytestmark = pytest.mark.django_db


def test_registered_kind_presents_a_project(city):
    kind = registry.get_kind("budget_project")
    project = BudgetProjectFactory(lat=52.15, lon=5.39, budget=BudgetFactory(district=city))
    shown = kind.present(project)
    assert shown.url == project.get_absolute_url()
    assert shown.status == "feasible" and shown.public
    assert shown.district == "centrum"
    project.status = "withdrawn"
    assert not kind.present(project).public


def test_projects_of_published_budgets_are_on_the_map():
    budget = BudgetFactory(is_published=False)
    project = BudgetProjectFactory(budget=budget, lat=52.15, lon=5.39)
    assert not MapItem.objects.filter(kind="budget_project").exists()
    budget.is_published = True
    budget.save()
    item = MapItem.objects.get(kind="budget_project", object_id=project.pk)
    assert item.status == "feasible"
    BudgetProjectFactory(budget=budget, lat=None, lon=None)
    BudgetProjectFactory(budget=budget, lat=52.15, lon=5.39, is_hidden=True)
    BudgetProjectFactory(budget=budget, lat=52.15, lon=5.39, status="withdrawn")
    assert MapItem.objects.filter(kind="budget_project").count() == 1


def test_unpublishing_the_process_takes_its_projects_off_the_map():
    process = ProcessFactory()
    project = BudgetProjectFactory(budget=BudgetFactory(process=process), lat=52.15, lon=5.39)
    assert MapItem.objects.filter(object_id=project.pk, kind="budget_project").exists()
    process.is_published = False
    process.save()
    assert not MapItem.objects.filter(object_id=project.pk, kind="budget_project").exists()


def test_published_results_show_funded_projects_on_the_map():
    budget = _counted_budget()
    statuses = dict(MapItem.objects.filter(kind="budget_project").values_list("title", "status"))
    assert statuses["Playground"] == "funded"
    assert statuses["Library corner"] == "feasible"
    assert statuses["Moon base"] == "unfeasible"
    services.results_withdraw(actor=None, budget=budget)
    assert MapItem.objects.get(kind="budget_project", title="Playground").status == "feasible"


def test_open_data_rows_have_results_and_no_personal_data():
    budget = _counted_budget()
    BudgetFactory(is_published=False, title="Draft budget")
    draft_project = BudgetProjectFactory(budget__is_published=False, title="Draft idea")
    author = budget.projects.first()
    rows = [dict(zip(DATASET.field_names, row, strict=True)) for row in DATASET.iter_rows()]
    titles = {row["title"]: row for row in rows}
    assert draft_project.title not in titles
    assert titles["Playground"]["funded"] is True and titles["Playground"]["votes"] == 3
    assert titles["Library corner"]["reason"] == "did_not_fit"
    assert titles["Moon base"]["funded"] is False and titles["Moon base"]["votes"] is None
    unpublished = BudgetProjectFactory(title="Still voting")
    rows = [dict(zip(DATASET.field_names, row, strict=True)) for row in DATASET.iter_rows()]
    assert next(r for r in rows if r["title"] == unpublished.title)["funded"] is None
    assert "author" not in DATASET.field_names
    assert author.title in titles
