"""Participation pages of a budget: submit a project, the staff's evaluation
queue and form, the ballot (with a "Check my choices" step that works without
JavaScript), the confirmation with the receipt code, "my ballot", and the
public receipt check. Thin: parse with a form, call ``participation``, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wegov.core.forms import apply_service_errors
from wegov.core.paginator import KnownCountPaginator
from wegov.places.selectors import city_bounds

from . import forms, participation, rules
from .models import Budget, BudgetProject

QUEUE_PER_PAGE = 50
QUEUE_STATUSES = [
    BudgetProject.Status.SUBMITTED,
    BudgetProject.Status.FEASIBLE,
    BudgetProject.Status.UNFEASIBLE,
    BudgetProject.Status.WITHDRAWN,
]


def _budget(request, slug) -> Budget:
    """A published budget (drafts only for those who may evaluate them)."""
    budget = get_object_or_404(
        Budget.objects.select_related("process__organisation", "district").prefetch_related(
            "process__phases"
        ),
        slug=slug,
    )
    if not rules.is_budget_published(request.user, budget) and not rules.may_evaluate_budget(
        request.user, budget
    ):
        raise Http404
    return budget


def _refused(request, budget, reason, template, status=403, **context):
    return render(request, template, {"budget": budget, "reason": reason, **context}, status=status)


# --- Projects ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def project_submit(request, slug):
    budget = _budget(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    reason = participation.submit_refusal(request.user, budget)
    if reason:
        return _refused(request, budget, reason, "budgeting/project_form.html")
    if request.method == "POST":
        form = forms.ProjectForm(request.POST, budget=budget)
        if form.is_valid():
            try:
                project = participation.project_submit(
                    actor=request.user, budget=budget, data=form.data_for_service()
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "location" in exc.error_dict:
                    for message in exc.message_dict.pop("location"):
                        form.add_error("lat", message)
                    exc = ValidationError(exc.message_dict) if exc.message_dict else None
                if exc is not None:
                    apply_service_errors(form, exc)
            except PermissionDenied as exc:
                return _refused(request, budget, str(exc), "budgeting/project_form.html")
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your project is submitted. "
                        "Staff will check whether it is feasible."
                    ),
                )
                return redirect(project.get_absolute_url())
    else:
        form = forms.ProjectForm(budget=budget)
    return render(
        request,
        "budgeting/project_form.html",
        {"budget": budget, "form": form, "map_bounds": city_bounds()},
        status=400 if form.errors else 200,
    )


# --- Evaluation ----------------------------------------------------------------------------


def _evaluator_budget(request, slug):
    budget = _budget(request, slug)
    if not request.user.is_authenticated:
        return budget, redirect_to_login(request.get_full_path())
    if not rules.may_evaluate_budget(request.user, budget):
        raise PermissionDenied(
            _(
                "Only staff of the organisation responsible for the process, process managers "
                "and administrators can evaluate projects."
            )
        )
    return budget, None


@require_GET
def evaluation_queue(request, slug):
    budget, redirect_response = _evaluator_budget(request, slug)
    if redirect_response:
        return redirect_response
    status = request.GET.get("status", BudgetProject.Status.SUBMITTED)
    if status not in QUEUE_STATUSES:
        status = BudgetProject.Status.SUBMITTED
    projects = (
        BudgetProject.objects.filter(budget=budget, status=status)
        .select_related("author", "topic", "district", "evaluated_by")
        .order_by("created_at", "pk")
    )
    counts = BudgetProject.objects.filter(budget=budget).aggregate(
        **{s.value: Count("pk", filter=Q(status=s)) for s in QUEUE_STATUSES}
    )
    tabs = [(s, s.label, counts[s.value]) for s in QUEUE_STATUSES]
    page = KnownCountPaginator(projects, QUEUE_PER_PAGE, count=counts[status]).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "budgeting/evaluation_queue.html",
        {
            "budget": budget,
            "projects": page.object_list,
            "page": page,
            "status": status,
            "tabs": tabs,
            "is_open": rules.is_before_vote(request.user, budget),
        },
    )


@require_http_methods(["GET", "POST"])
def project_evaluate(request, slug, pk):
    budget, redirect_response = _evaluator_budget(request, slug)
    if redirect_response:
        return redirect_response
    project = get_object_or_404(
        BudgetProject.objects.select_related("author", "topic", "district"), budget=budget, pk=pk
    )
    project.budget = budget
    reason = participation.evaluate_refusal(request.user, budget)
    if reason:
        return _refused(request, budget, reason, "budgeting/evaluation_form.html", project=project)
    if request.method == "POST":
        form = forms.EvaluationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                participation.project_evaluate(
                    actor=request.user,
                    project=project,
                    feasible=data["decision"] == "feasible",
                    reason=data.get("reason") or "",
                    final_cost=data.get("final_cost"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The evaluation of “%s” is saved.") % project.title)
                return redirect("budgeting:evaluation_queue", slug=budget.slug)
    else:
        initial = {}
        if project.status in (BudgetProject.Status.FEASIBLE, BudgetProject.Status.UNFEASIBLE):
            initial = {
                "decision": project.status,
                "final_cost": project.final_cost,
                "reason": project.unfeasible_reason,
            }
        form = forms.EvaluationForm(initial=initial)
    return render(
        request,
        "budgeting/evaluation_form.html",
        {"budget": budget, "project": project, "form": form},
        status=400 if form.errors else 200,
    )


# --- Ballot ------------------------------------------------------------------------------------


def _voter_budget(request, slug):
    budget = _budget(request, slug)
    if not request.user.is_authenticated:
        return budget, redirect_to_login(request.get_full_path())
    return budget, None


@require_http_methods(["GET", "POST"])
def ballot(request, slug):
    budget, redirect_response = _voter_budget(request, slug)
    if redirect_response:
        return redirect_response
    reason = participation.vote_refusal(request.user, budget)
    if reason:
        saved = participation.ballot_of(request.user, budget)
        return _refused(request, budget, reason, "budgeting/ballot_refused.html", saved=saved)
    projects = participation.ballot_projects(budget)
    saved = participation.ballot_of(request.user, budget)
    checked = False
    if request.method == "POST":
        form = forms.BallotForm(request.POST, budget=budget, projects=projects)
        valid = form.is_valid()
        if request.POST.get("action") == "submit" and valid:
            try:
                cast = participation.ballot_cast(
                    actor=request.user, budget=budget, selection=form.selection()
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                return _refused(request, budget, str(exc), "budgeting/ballot_refused.html")
            else:
                request.session[f"budgeting-cast-{budget.pk}"] = cast.receipt_code
                return redirect("budgeting:ballot_confirmation", slug=budget.slug)
        checked = True
        summary = form.summary
    else:
        selection = participation.ballot_selection(saved)
        form = forms.BallotForm(budget=budget, projects=projects, selection=selection)
        summary = participation.ballot_summary(budget, selection, projects=projects)
    text_ok, text_over = forms.total_texts(budget)
    return render(
        request,
        "budgeting/ballot.html",
        {
            "budget": budget,
            "form": form,
            "rows": form.rows(),
            "rank_choices": form.rank_choices(),
            "summary": summary,
            "total_text": forms.total_text(summary),
            "text_ok": text_ok,
            "text_over": text_over,
            "limits": forms.limits_text(budget),
            "thousands": get_format("THOUSAND_SEPARATOR"),
            "saved": saved,
            "checked": checked,
            "kind": budget.ballot_type,
        },
        status=400 if form.errors else 200,
    )


def _my_ballot_context(request, slug):
    budget, redirect_response = _voter_budget(request, slug)
    if redirect_response:
        return None, redirect_response
    saved = participation.ballot_of(request.user, budget)
    if saved is None:
        return None, redirect("budgeting:ballot", slug=budget.slug)
    choices = list(saved.choices.select_related("project").order_by("rank", "project__title"))
    return {
        "budget": budget,
        "saved": saved,
        "receipt": participation.format_receipt(saved.receipt_code),
        "choices": choices,
        "total_cost": sum(choice.project.cost for choice in choices),
        "total_points": sum(choice.points or 0 for choice in choices),
        "may_change": rules.is_vote_open(request.user, budget),
        "kind": budget.ballot_type,
    }, None


@require_GET
def ballot_confirmation(request, slug):
    context, response = _my_ballot_context(request, slug)
    if response:
        return response
    just_cast = request.session.pop(f"budgeting-cast-{context['budget'].pk}", None)
    return render(
        request,
        "budgeting/ballot_confirmation.html",
        {**context, "just_cast": just_cast == context["saved"].receipt_code},
    )


@require_GET
def my_ballot(request, slug):
    context, response = _my_ballot_context(request, slug)
    if response:
        return response
    return render(request, "budgeting/ballot_mine.html", context)


# --- Receipts ------------------------------------------------------------------------------------


@require_GET
def receipt_check(request):
    """Anyone types a receipt code and sees whether that ballot is counted and
    what it chose; nothing about who cast it."""
    code = request.GET.get("code", "")
    found = None
    error = ""
    searched = "code" in request.GET
    if searched:
        if not participation.normalise_receipt(code):
            error = _("Enter the receipt code from your ballot confirmation, like ABCD-EFGH-JKMN.")
        else:
            found = participation.ballot_check(code)
            if found is not None and not found.budget.is_published:
                found = None
            if found is None:
                error = _(
                    "No ballot has this receipt code. Check the code: it has 12 letters and "
                    "digits, without 0, O, 1, I or L."
                )
    choices = []
    if found is not None:
        choices = sorted(
            found.choices.all(), key=lambda c: (c.rank or 0, c.project.title, c.project_id)
        )
    return render(
        request,
        "budgeting/receipt_check.html",
        {
            "code": code,
            "searched": searched,
            "error": error,
            "ballot": found,
            "receipt": participation.format_receipt(found.receipt_code) if found else "",
            "choices": choices,
            "vote_closed": found is not None and rules.is_vote_closed(None, found.budget),
        },
    )
