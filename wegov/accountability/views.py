"""Result pages: the public list and a result's page; for staff, starting to
track a result, its details, and its status, milestones and photos. Thin: a
form parses, a service or selector does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.core.forms import apply_service_errors

from . import selectors, services
from .forms import FilterForm, MilestoneForm, PhotoForm, ResultForm, StatusForm
from .models import Milestone, Result, ResultPhoto, Status
from .rules import may_track_any

PAGE_SIZE = 20


# The services report a bad place under "location"; the form shows it at the latitude.
LOCATION_ON_LAT = {"location": "lat"}


@require_GET
def result_list(request):
    filters = FilterForm(request.GET or None)
    status = 200
    cleaned = {}
    if filters.is_bound:
        if filters.is_valid():
            cleaned = filters.cleaned_data
        else:
            status = 400
    chosen = selectors.ResultFilters(
        status=cleaned.get("status", ""),
        process=cleaned.get("process", ""),
        district=cleaned.get("district", ""),
    )
    qs = selectors.results(chosen)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/result_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": list(page.object_list),
            "counts": selectors.status_counts(selectors.results()),
            "may_track": may_track_any(request.user),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
        status=status,
    )


def _result(request, pk: int) -> Result:
    result = selectors.result_for_page(pk)
    if result is None:
        raise Http404
    if not (
        selectors.is_public(result) or request.user.has_perm("accountability.change_result", result)
    ):
        raise Http404
    return result


@require_GET
def result_detail(request, pk: int):
    result = _result(request, pk)
    updates = list(result.updates.all())
    return render(
        request,
        "accountability/result_detail.html",
        {
            "result": result,
            "milestones": list(result.milestones.all()),
            "photos": list(result.photos.all()),
            "updates": updates,
            "source": selectors.source_of(result),
            "source_label": selectors.source_label(result) if result.has_source else "",
            "can_edit": request.user.has_perm("accountability.change_result", result),
        },
    )


def _editable(request, pk: int) -> Result:
    result = _result(request, pk)
    if not request.user.has_perm("accountability.change_result", result):
        raise PermissionDenied(services.EDIT_REFUSAL)
    return result


def _data(cleaned: dict) -> services.ResultData:
    return services.ResultData(
        title=cleaned["title"],
        description=cleaned["description"],
        process=cleaned["process"],
        department=cleaned["department"],
        lat=cleaned["lat"],
        lon=cleaned["lon"],
        starts_on=cleaned["starts_on"],
        ends_on=cleaned["ends_on"],
        budget_amount=cleaned["budget_amount"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def result_new(request):
    if not may_track_any(request.user):
        raise PermissionDenied(services.CREATE_REFUSAL)
    form = ResultForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.result_create(actor=request.user, data=_data(form.cleaned_data))
            except ValidationError as exc:
                apply_service_errors(form, exc, aliases=LOCATION_ON_LAT)
            except PermissionDenied as exc:
                form.add_error("department", str(exc))
            else:
                messages.success(request, _("The result is tracked. Add milestones and updates."))
                return redirect("accountability:manage", result.pk)
        status = 400
    return render(
        request, "accountability/result_form.html", {"form": form, "result": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def result_edit(request, pk: int):
    result = _editable(request, pk)
    initial = {
        name: getattr(result, name)
        for name in (
            "title",
            "description",
            "process",
            "department",
            "lat",
            "lon",
            "starts_on",
            "ends_on",
            "budget_amount",
        )
    }
    form = ResultForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.result_edit(
                    actor=request.user, result=result, data=_data(form.cleaned_data)
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, aliases=LOCATION_ON_LAT)
            except PermissionDenied as exc:
                form.add_error("department", str(exc))
            else:
                messages.success(request, _("Details saved."))
                return redirect("accountability:manage", result.pk)
        status = 400
    return render(
        request, "accountability/result_form.html", {"form": form, "result": result}, status=status
    )


def _render_manage(
    request, result, *, status_form=None, milestone_form=None, photo_form=None, status=200
):
    return render(
        request,
        "accountability/result_manage.html",
        {
            "result": result,
            "milestones": list(result.milestones.all()),
            "photos": list(result.photos.all()),
            "status_form": status_form
            or StatusForm(
                initial={
                    "status": result.status,
                    "progress": result.progress,
                    "cancel_reason": result.cancel_reason,
                }
            ),
            "milestone_form": milestone_form or MilestoneForm(),
            "photo_form": photo_form or PhotoForm(),
            "allowed": [
                label for value, label in Status.choices if value in result.allowed_statuses()
            ],
            "forms_with_errors": [
                f for f in (status_form, milestone_form, photo_form) if f is not None and f.errors
            ],
        },
        status=status,
    )


@login_required
@require_GET
def result_manage(request, pk: int):
    return _render_manage(request, _editable(request, pk))


@login_required
@require_POST
def result_status(request, pk: int):
    result = _editable(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.result_update_status(
                actor=request.user,
                result=result,
                status=data["status"],
                progress=data["progress"],
                note=data["note"],
                cancel_reason=data["cancel_reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases=LOCATION_ON_LAT)
        else:
            messages.success(request, _("Status and progress saved and published."))
            return redirect("accountability:manage", result.pk)
    return _render_manage(request, result, status_form=form, status=400)


@login_required
@require_POST
def milestone_add(request, pk: int):
    result = _editable(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases=LOCATION_ON_LAT)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("accountability:manage", result.pk)
    return _render_manage(request, result, milestone_form=form, status=400)


@login_required
@require_POST
def milestone_reached(request, pk: int, milestone_pk: int):
    result = _editable(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, result=result)
    reached = request.POST.get("reached", "1") != "0"
    try:
        services.milestone_mark_reached(actor=request.user, milestone=milestone, reached=reached)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Milestone marked as reached.") if reached else _("Milestone marked as not reached."),
        )
    return redirect("accountability:manage", result.pk)


@login_required
@require_POST
def milestone_remove(request, pk: int, milestone_pk: int):
    result = _editable(request, pk)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, result=result)
    services.milestone_remove(actor=request.user, milestone=milestone)
    messages.success(request, _("Milestone removed."))
    return redirect("accountability:manage", result.pk)


@login_required
@require_POST
def photo_add(request, pk: int):
    result = _editable(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                result=result,
                image=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases=LOCATION_ON_LAT)
        else:
            messages.success(request, _("Photo added."))
            return redirect("accountability:manage", result.pk)
    return _render_manage(request, result, photo_form=form, status=400)


@login_required
@require_POST
def photo_remove(request, pk: int, photo_pk: int):
    result = _editable(request, pk)
    photo = get_object_or_404(ResultPhoto, pk=photo_pk, result=result)
    services.photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("accountability:manage", result.pk)


@login_required
@require_http_methods(["GET", "POST"])
def track(request):
    """Accepted proposals waiting for implementation tracking; POST starts one."""
    if not may_track_any(request.user):
        raise PermissionDenied(services.CREATE_REFUSAL)
    candidates = selectors.trackable_proposals(request.user)
    error = ""
    if request.method == "POST":
        proposal = candidates.filter(pk=_int(request.POST.get("proposal"))).first()
        if proposal is None:
            error = _("Choose an accepted proposal that is not tracked yet.")
        else:
            try:
                result = services.result_track(actor=request.user, source=proposal)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, _("Implementation tracking started: add milestones and updates.")
                )
                return redirect("accountability:manage", result.pk)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/track.html",
        {"page": page, "rows": list(page.object_list), "error": error},
        status=400 if error else 200,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
