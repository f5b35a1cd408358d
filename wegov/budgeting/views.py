"""Budget pages: the public list, budget, projects and results, the Pabulib
download, and the managers' pages (create, edit, tally, publish results).

The ballot, project submission and evaluation pages are in
``views_participation``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.core.forms import apply_service_errors
from wegov.places.selectors import city_bounds

from . import pb, rules, selectors, services
from .charts import bar_chart, spending_chart
from .models import Budget, BudgetPhase, BudgetProject, TallyRecord
from .reasons import explain, rule_explanation
from .staff_forms import BudgetForm, TallyForm

# --- Public pages ------------------------------------------------------------------


@require_GET
def budget_list(request):
    budgets = list(selectors.budget_list(request.user))
    return render(
        request,
        "budgeting/budget_list.html",
        {"budgets": budgets, "can_manage": selectors.can_manage(request.user)},
    )


def _status_counts(projects) -> dict:
    counts: dict[str, int] = {}
    for project in projects:
        counts[project.status] = counts.get(project.status, 0) + 1
    return counts


@require_GET
def budget_detail(request, slug):
    budget = selectors.budget_for(request.user, slug)
    projects = list(selectors.projects(budget))
    return render(
        request,
        "budgeting/budget_detail.html",
        {
            "budget": budget,
            "phase": budget.phase(),
            "phases": BudgetPhase,
            "projects": projects,
            "counts": _status_counts(projects),
            "located": any(p.has_location for p in projects),
            "map_bounds": city_bounds(),
            "is_public": selectors.is_public(budget),
            "can_manage": selectors.can_manage(request.user),
            # The rule, not has_perm: superusers pass every has_perm but vote only as residents.
            "can_vote": rules.may_vote(request.user, budget),
        },
    )


@require_GET
def project_list(request, slug):
    budget = selectors.budget_for(request.user, slug)
    status = request.GET.get("status", "")
    if status not in {"", *BudgetProject.Status.values} or status == "withdrawn":
        status = ""
    projects = list(selectors.projects(budget, status=status))
    return render(
        request,
        "budgeting/project_list.html",
        {
            "budget": budget,
            "projects": projects,
            "status": status,
            "statuses": [
                (value, label)
                for value, label in BudgetProject.Status.choices
                if value != BudgetProject.Status.WITHDRAWN
            ],
        },
    )


@require_GET
def project_detail(request, slug, pk):
    budget = selectors.budget_for(request.user, slug)
    project = selectors.project_for(budget, pk)
    tally = selectors.published_tally(budget)
    result = tally.outcome.get(project.external_id) if tally else None
    explanation = None
    if result is not None:
        explanation = explain(budget, result)
    return render(
        request,
        "budgeting/project_detail.html",
        {
            "budget": budget,
            "project": project,
            "result": result,
            "explanation": explanation,
            "can_manage": selectors.can_manage(request.user),
        },
    )


@require_GET
def projects_geojson(request, slug):
    """The budget's located projects for the page's map (the map's bbox and
    zoom parameters are ignored: a budget has a few hundred projects at most)."""
    budget = selectors.budget_for(request.user, slug)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [project.lon, project.lat]},
            "properties": {
                "kind": "budget_project",
                "kind_label": str(_("Budget project")),
                "title": project.title,
                "url": project.get_absolute_url(),
                "status_label": str(
                    _("Funded") if project.is_funded else project.get_status_display()
                ),
                "category_label": project.topic.name if project.topic_id else "",
            },
        }
        for project in selectors.projects(budget)
        if project.has_location
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _results_context(request, budget: Budget) -> dict | None:
    manager = selectors.can_manage(request.user)
    tally = selectors.published_tally(budget)
    preview = False
    if tally is None and manager:
        tally, preview = selectors.latest_tally(budget), True
    if tally is None:
        return None
    rows = selectors.result_rows(budget, tally)
    funded = [row for row in rows if row.selected]
    spent = sum(row.cost for row in funded)
    return {
        "budget": budget,
        "tally": tally,
        "preview": preview,
        "rows": rows,
        "funded": funded,
        "spent": spent,
        "left": budget.amount - spent,
        "rule_explanation": rule_explanation(tally.rule, tally.options),
        "votes_chart": bar_chart(budget, rows),
        "spending_chart": spending_chart(budget, funded),
        "can_manage": manager,
    }


@require_GET
def results(request, slug):
    budget = selectors.budget_for(request.user, slug)
    context = _results_context(request, budget)
    if context is None:
        raise Http404
    return render(request, "budgeting/results.html", context)


@require_GET
def results_pabulib(request, slug):
    """The budget, its anonymous ballots and its published outcome as a .pb file."""
    budget = selectors.budget_for(request.user, slug)
    tally = selectors.published_tally(budget)
    if tally is None:
        raise Http404
    instance = services.budget_export_pabulib(budget=budget, tally=tally)
    response = HttpResponse(pb.dumps(instance), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{budget.slug}.pb"'
    return response


# --- Managers --------------------------------------------------------------------


def _manager_only(request) -> None:
    if not selectors.can_manage(request.user):
        raise PermissionDenied


@login_required
@require_GET
def manage_list(request):
    _manager_only(request)
    return render(
        request,
        "budgeting/manage/budget_list.html",
        {"budgets": list(selectors.budget_list(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_create(request):
    _manager_only(request)
    form = BudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_create(actor=request.user, data=form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The budget is saved."))
            return redirect("budgeting:manage_tally", budget.pk)
    return render(
        request,
        "budgeting/manage/budget_form.html",
        {"form": form, "budget": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_edit(request, pk):
    _manager_only(request)
    budget = get_object_or_404(Budget, pk=pk)
    if request.method == "POST":
        form = BudgetForm(request.POST)
    else:
        form = BudgetForm(initial=BudgetForm.initial_for(budget))
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_update(actor=request.user, budget=budget, data=form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The budget is saved."))
            return redirect("budgeting:manage_tally", budget.pk)
    return render(
        request,
        "budgeting/manage/budget_form.html",
        {"form": form, "budget": budget},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_tally(request, pk):
    """Count the ballots with a rule; list the tallies run so far."""
    _manager_only(request)
    budget = get_object_or_404(Budget, pk=pk)
    form = TallyForm(request.POST or None, initial={"rule": budget.rule})
    if request.method == "POST" and form.is_valid():
        try:
            tally = services.budget_tally(
                actor=request.user, budget=budget, rule=form.cleaned_data["rule"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The ballots are counted. Check the result below, then publish it."),
            )
            return redirect(f"{request.path}#tally-{tally.pk}")
    return render(
        request,
        "budgeting/manage/budget_tally.html",
        {
            "budget": budget,
            "phase": budget.phase(),
            "form": form,
            "tallies": list(budget.tallies.select_related("created_by")[:20]),
            "ballot_count": budget.ballots.count(),
            "may_publish": budget.voting_has_closed(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def manage_publish(request, pk, tally_pk):
    _manager_only(request)
    budget = get_object_or_404(Budget, pk=pk)
    tally = get_object_or_404(TallyRecord, pk=tally_pk, budget=budget)
    try:
        services.results_publish(actor=request.user, budget=budget, tally=tally)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("budgeting:manage_tally", budget.pk)
    messages.success(request, _("The results are published."))
    return redirect("budgeting:results", budget.slug)


@login_required
@require_POST
def manage_withdraw(request, pk):
    _manager_only(request)
    budget = get_object_or_404(Budget, pk=pk)
    try:
        services.results_withdraw(actor=request.user, budget=budget)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The results are no longer published."))
    return redirect("budgeting:manage_tally", budget.pk)
