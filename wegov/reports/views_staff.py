"""The staff back office for problem reports, and the public accountability page.

Thin views: a form parses, one service or selector does the work. Every change
goes through ``services`` (permission check, audit entry, notification).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wegov.accounts.models import Organisation
from wegov.core.forms import apply_service_errors
from wegov.places import geocoding
from wegov.places.selectors import city_bounds

from . import selectors, services
from .forms_staff import (
    PERIODS,
    BulkStatusForm,
    DuplicateForm,
    FileOnBehalfForm,
    PeriodForm,
    QueueFilterForm,
    ReassignForm,
    StatusForm,
    UpdateForm,
    VisibilityForm,
    handling_organisations,
)
from .models import Report

QUEUE_PAGE_SIZE = 50
PERFORMANCE_CACHE_SECONDS = 600


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def overdue_text(report: Report, now) -> str:
    days = (now - report.due_at).days
    if days < 1:
        return _("overdue by less than a day")
    return ngettext("overdue by %(days)s day", "overdue by %(days)s days", days) % {"days": days}


# --- Queue ---------------------------------------------------------------------


def _queue_context(request, *, bulk_form=None) -> tuple[dict, int]:
    user = request.user
    if user.is_superuser:
        departments = Organisation.objects.all()
        choices, show_department = handling_organisations(), True
    else:
        departments = choices = Organisation.objects.filter(memberships__user=user)
        # The department choice only for staff of more than one department.
        show_department = departments.count() > 1
    filters = QueueFilterForm(
        request.GET or None, departments=choices, show_department=show_department
    )
    status_code = 200
    cleaned = {}
    if filters.is_bound:
        if filters.is_valid():
            cleaned = filters.cleaned_data
        else:
            status_code = 400
    status = cleaned.get("status") or "open"
    ordering = cleaned.get("order") or "due"
    chosen = cleaned.get("department")
    queue = selectors.staff_queue(
        departments=[chosen] if chosen else departments,
        status="" if status == "all" else status,
        ordering=ordering,
    )
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = list(page.object_list)
    for report in rows:
        report.overdue_text = overdue_text(report, now) if report.is_overdue else ""
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "status": status,
        "ordering": ordering,
        "bulk_form": bulk_form or BulkStatusForm(),
        "now": now,
    }
    return context, status_code


@login_required
def queue(request):
    _require(request, "reports.use_staff_queue")
    context, status_code = _queue_context(request)
    return render(request, "reports/staff/queue.html", context, status=status_code)


@login_required
@require_POST
def bulk_status(request):
    """Change the status of the selected reports; lists each change and refusal."""
    _require(request, "reports.use_staff_queue")
    form = BulkStatusForm(request.POST)
    if not form.is_valid():
        context, _code = _queue_context(request, bulk_form=form)
        return render(request, "reports/staff/queue.html", context, status=400)
    changed, refused = services.report_bulk_change_status(
        actor=request.user,
        reports=form.cleaned_data["reports"].order_by("pk"),
        status=form.cleaned_data["status"],
        text=form.cleaned_data["text"],
    )
    query = request.GET.urlencode()
    return render(
        request,
        "reports/staff/bulk_result.html",
        {
            "changed": changed,
            "refused": refused,
            "status_label": dict(form.fields["status"].choices)[form.cleaned_data["status"]],
            "back_url": reverse("backoffice:queue") + (f"?{query}" if query else ""),
        },
    )


# --- One report ------------------------------------------------------------------


def _staff_report(request, pk: int) -> Report:
    """The report with everything staff see, or 404; 403 without the right."""
    report = selectors.report_detail(pk)
    if report is None:
        raise Http404
    _require(request, "reports.view_internal_notes", report)
    return report


def _render_detail(request, pk: int, *, status: int = 200, **bound_forms):
    report = _staff_report(request, pk)
    forms = {
        "status_form": StatusForm(report=report),
        "update_form": UpdateForm(),
        "reassign_form": ReassignForm(report=report),
        "duplicate_form": DuplicateForm(report=report),
        "visibility_form": VisibilityForm(initial={"hidden": "0" if report.is_hidden else "1"}),
    }
    forms.update(bound_forms)
    error_form = next(iter(bound_forms.values()), None)
    return render(
        request,
        "reports/staff/report_detail.html",
        {
            "report": report,
            "overdue_text": overdue_text(report, timezone.now()) if report.is_overdue else "",
            "can_handle": request.user.has_perm("reports.handle_report", report),
            "can_moderate": request.user.has_perm("reports.moderate_report", report),
            "error_form": error_form,
            **forms,
        },
        status=status,
    )


def _handled_report(request, pk: int) -> Report:
    report = get_object_or_404(Report, pk=pk)
    _require(request, "reports.handle_report", report)
    return report


def _done(request, pk: int, message: str):
    messages.success(request, message)
    return redirect("backoffice:detail", pk=pk)


@login_required
def report_detail(request, pk: int):
    return _render_detail(request, pk)


@login_required
@require_POST
def change_status(request, pk: int):
    report = _handled_report(request, pk)
    form = StatusForm(request.POST, report=report)
    if form.is_valid():
        try:
            report = services.report_change_status(
                actor=request.user,
                report=report,
                status=form.cleaned_data["status"],
                text=form.cleaned_data["text"],
                responsible_body=form.cleaned_data["responsible_body"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(
                request,
                pk,
                _("The status is now “%(status)s”.") % {"status": report.get_status_display()},
            )
    return _render_detail(request, pk, status=400, status_form=form)


@login_required
@require_POST
def add_update(request, pk: int):
    report = _handled_report(request, pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        internal = form.cleaned_data["kind"] == "internal"
        try:
            services.report_add_update(
                actor=request.user, report=report, text=form.cleaned_data["text"], internal=internal
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(
                request,
                pk,
                _("Your internal note has been added.")
                if internal
                else _("Your public update has been published and sent to subscribers."),
            )
    return _render_detail(request, pk, status=400, update_form=form)


@login_required
@require_POST
def reassign(request, pk: int):
    report = _handled_report(request, pk)
    form = ReassignForm(request.POST, report=report)
    if form.is_valid():
        department = form.cleaned_data["department"]
        try:
            report = services.report_reassign(
                actor=request.user,
                report=report,
                department=department,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Report #%(id)s has been sent to %(department)s.")
                % {"id": pk, "department": department.name},
            )
            # The report may have left this person's departments: then back to the queue.
            if request.user.has_perm("reports.view_internal_notes", report):
                return redirect("backoffice:detail", pk=pk)
            return redirect("backoffice:queue")
    return _render_detail(request, pk, status=400, reassign_form=form)


@login_required
@require_POST
def mark_duplicate(request, pk: int):
    """Two steps: the number of the original, then a confirmation showing its title."""
    report = _handled_report(request, pk)
    form = DuplicateForm(request.POST, report=report)
    if form.is_valid():
        original = form.cleaned_data["original"]
        if not form.cleaned_data["confirmed"]:
            return render(
                request,
                "reports/staff/duplicate_confirm.html",
                {"report": report, "original": original, "text": form.cleaned_data["text"]},
            )
        try:
            services.report_mark_duplicate(
                actor=request.user, report=report, original=original, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(
                request,
                pk,
                _(
                    "Marked as a duplicate of #%(id)s “%(title)s”; "
                    "its subscribers now follow the original."
                )
                % {"id": original.pk, "title": original.title},
            )
    return _render_detail(request, pk, status=400, duplicate_form=form)


@login_required
def visibility(request, pk: int):
    """Hide a report from the public, or show it again (moderation)."""
    report = get_object_or_404(Report, pk=pk)
    _require(request, "reports.moderate_report", report)
    staff_page = request.user.has_perm("reports.view_internal_notes", report)
    if request.method == "POST":
        form = VisibilityForm(request.POST)
        if form.is_valid():
            hidden = form.cleaned_data["hidden"]
            try:
                services.report_set_hidden(
                    actor=request.user,
                    report=report,
                    hidden=hidden,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The report is now hidden from the public.")
                    if hidden
                    else _("The report is public again."),
                )
                if staff_page:
                    return redirect("backoffice:detail", pk=pk)
                return redirect("backoffice:visibility", pk=pk)
        if staff_page:
            return _render_detail(request, pk, status=400, visibility_form=form)
        status = 400
    else:
        form = VisibilityForm(initial={"hidden": "0" if report.is_hidden else "1"})
        status = 200
    return render(
        request,
        "reports/staff/visibility.html",
        {"report": report, "visibility_form": form, "error_form": form},
        status=status,
    )


# --- Filing on behalf of a citizen ----------------------------------------------------


@login_required
def file_on_behalf(request):
    _require(request, "reports.file_on_behalf")
    form = FileOnBehalfForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "find":
        return _find_address_on_behalf(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_create(
                actor=None,
                data=services.NewReport(
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address=form.nearest_address(),
                    channel=data["channel"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                ),
                filed_by=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Report #%(id)s has been filed and sent to %(department)s.")
                % {"id": report.pk, "department": report.department.name},
            )
            if request.user.has_perm("reports.view_internal_notes", report):
                return redirect("backoffice:detail", pk=report.pk)
            return redirect("backoffice:queue")
    return _render_file_on_behalf(request, form, status=400 if form.is_bound else 200)


def _render_file_on_behalf(request, form, *, status=200, found=None):
    return render(
        request,
        "reports/staff/file_on_behalf.html",
        {
            "form": form,
            "map_bounds": city_bounds(),
            "geocoder_on": geocoding.is_available(),
            "found": found,
        },
        status=status,
    )


def _find_address_on_behalf(request):
    """The "Find address" button: put the pin on the typed address; nothing else
    on the form is checked yet, and nothing typed is lost."""
    data = request.POST.copy()
    data["lat"] = data["lon"] = ""
    form = FileOnBehalfForm(data)
    form.is_valid()
    form.errors.clear()
    if form.geocoded is None:
        form.add_error(
            "address",
            _(
                "We could not find this address. "
                "Choose the place on the map, or type its coordinates."
            )
            if data.get("address", "").strip()
            else _("Type an address to find, like Kerkstraat 12."),
        )
    return _render_file_on_behalf(request, form, found=form.geocoded)


# --- Accountability -------------------------------------------------------------------


def hours_in_words(hours: float | None) -> str:
    if hours is None:
        return ""
    if hours < 1:
        return _("less than an hour")
    if hours < 48:
        whole = round(hours)
        return ngettext("%(n)s hour", "%(n)s hours", whole) % {"n": whole}
    days = round(hours / 24, 1)
    shown = formats.number_format(days, decimal_pos=0 if days == int(days) else 1)
    return ngettext("%(n)s day", "%(n)s days", round(days)) % {"n": shown}


def percent(share: float | None) -> str:
    if share is None:
        return ""
    value = round(share * 100, 1)
    return formats.number_format(value, decimal_pos=0 if value == int(value) else 1) + "%"


def performance_figures(days: int) -> list[selectors.DepartmentPerformance]:
    """The accountability figures, computed at most every 10 minutes per period."""
    key = f"reports:performance:{days}"
    figures = cache.get(key)
    if figures is None:
        figures = selectors.performance_by_department(days=days)
        cache.set(key, figures, PERFORMANCE_CACHE_SECONDS)
    return figures


def _display(row: selectors.PerformanceRow) -> dict:
    return {
        "row": row,
        "acknowledge": hours_in_words(row.median_hours_to_acknowledge),
        "resolve": hours_in_words(row.median_hours_to_resolve),
        "within_sla": percent(row.share_within_sla),
    }


CSV_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str) -> str:
    # Names are free text: never let a spreadsheet read one as a formula.
    return "'" + value if value.startswith(CSV_INJECTION_PREFIXES) else value


def _csv_response(figures, days: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wegov-accountability-{days}-days.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "period_days",
            "department",
            "category",
            "reports",
            "open",
            "median_hours_to_acknowledge",
            "median_hours_to_resolve",
            "share_within_sla",
        ]
    )
    for department in figures:
        for row in [*department.categories, department.total]:
            writer.writerow(
                [
                    days,
                    _csv_text(row.department),
                    _csv_text(row.category),
                    row.reports,
                    row.open,
                    ""
                    if row.median_hours_to_acknowledge is None
                    else row.median_hours_to_acknowledge,
                    "" if row.median_hours_to_resolve is None else row.median_hours_to_resolve,
                    "" if row.share_within_sla is None else row.share_within_sla,
                ]
            )
    return response


def accountability(request):
    data = request.GET.copy()
    data.setdefault("days", "90")
    form = PeriodForm(data)
    if not form.is_valid():
        return render(
            request,
            "reports/accountability.html",
            {"form": form, "departments": [], "days": None},
            status=400,
        )
    days = form.cleaned_data["days"]
    figures = performance_figures(days)
    if request.GET.get("format") == "csv":
        return _csv_response(figures, days)
    departments = [
        {"total": _display(d.total), "categories": [_display(r) for r in d.categories]}
        for d in figures
    ]
    return render(
        request,
        "reports/accountability.html",
        {"form": form, "departments": departments, "days": days, "periods": PERIODS},
    )
