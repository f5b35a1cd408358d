"""Process pages: the public list and process page, and the managers' back office.

Thin views: a form parses, one service or selector does the work.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.core.forms import apply_service_errors

from . import selectors, services
from .forms import (
    PhaseFormSet,
    ProcessFilterForm,
    ProcessForm,
    phase_initial,
)
from .models import Action, PhaseKind

PER_PAGE = 12
MANAGE_PER_PAGE = 50


# --- Public pages ------------------------------------------------------------------


@require_GET
def process_list(request):
    form = ProcessFilterForm(request.GET or None)
    processes = selectors.process_list(filters=form.filters())
    page = Paginator(processes, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "processes/process_list.html",
        {
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "can_manage": selectors.can_manage(request.user),
        },
        status=400 if form.errors else 200,
    )


def _detail_context(request, process, *, preview: bool = False) -> dict:
    today = timezone.localdate()
    allowed = set(selectors.allowed_actions(process, today))
    return {
        "process": process,
        "timeline": selectors.timeline(process, today),
        "active_phase": process.phase_on(today),
        "allowed": allowed,
        "can_propose": Action.PROPOSE in allowed,
        "can_support": Action.SUPPORT in allowed,
        "can_debate": Action.DEBATE in allowed,
        "can_vote": Action.VOTE in allowed,
        "can_comment": Action.COMMENT in allowed,
        "has_proposals": selectors.has_started(process, PhaseKind.PROPOSALS, today),
        "has_debates": selectors.has_started(process, PhaseKind.DEBATE, today),
        "status": process.status(today),
        "can_manage": selectors.can_manage(request.user),
        "preview": preview,
    }


@require_GET
def process_detail(request, slug):
    process = selectors.process_detail(slug, viewer=request.user)
    return render(request, "processes/process_detail.html", _detail_context(request, process))


# --- Managers' back office -----------------------------------------------------------


def _require_manager(request) -> None:
    if not selectors.can_manage(request.user):
        raise PermissionDenied


@login_required
@require_GET
def manage_list(request):
    _require_manager(request)
    processes = selectors.process_list(manage=True)
    page = Paginator(processes, MANAGE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "processes/manage/process_list.html",
        {
            "page": page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_create(request):
    _require_manager(request)
    form = ProcessForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_create(actor=request.user, data=form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The process “%(title)s” is saved as a draft. Now add its phases.")
                % {"title": process.title},
            )
            return redirect("processes:manage_phases", pk=process.pk)
    _image_lost(request, form)
    return render(
        request,
        "processes/manage/process_form.html",
        {"form": form, "process": None},
        status=400 if form.errors else 200,
    )


def _image_lost(request, form) -> None:
    """Browsers never send a file again: say so when the page comes back."""
    if request.FILES.get("hero_image") and form.errors and "hero_image" not in form.errors:
        form.add_error(
            "hero_image",
            _("Your image could not be kept while the problems were fixed: add it again."),
        )


@login_required
@require_GET
def manage_detail(request, pk):
    _require_manager(request)
    process = selectors.process_for_manager(pk)
    return render(
        request,
        "processes/manage/process_detail.html",
        {**_detail_context(request, process), "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_edit(request, pk):
    _require_manager(request)
    process = selectors.process_for_manager(pk)
    form = ProcessForm(request.POST or None, request.FILES or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_update(
                actor=request.user, process=process, data=form.to_input()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The process is saved."))
            return redirect("processes:manage_detail", pk=process.pk)
    _image_lost(request, form)
    return render(
        request,
        "processes/manage/process_form.html",
        {"form": form, "process": process},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_phases(request, pk):
    _require_manager(request)
    process = selectors.process_for_manager(pk)
    if request.method == "POST":
        formset = PhaseFormSet(request.POST, prefix="phases")
        if formset.is_valid():
            try:
                services.phases_save(actor=request.user, process=process, phases=formset.phases())
            except ValidationError as exc:
                formset.non_form_errors().extend(_messages(exc))
            else:
                messages.success(request, _("The phases are saved."))
                return redirect("processes:manage_detail", pk=process.pk)
    else:
        formset = PhaseFormSet(initial=phase_initial(process), prefix="phases")
    return render(
        request,
        "processes/manage/phases_form.html",
        {"process": process, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return exc.messages


def _publication(request, pk, service, done_message):
    _require_manager(request)
    process = selectors.process_for_manager(pk)
    try:
        process = service(actor=request.user, process=process)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages(exc)))
    else:
        messages.success(request, done_message % {"title": process.title})
    return redirect("processes:manage_detail", pk=process.pk)


@login_required
@require_POST
def manage_publish(request, pk):
    return _publication(request, pk, services.process_publish, _("“%(title)s” is published."))


@login_required
@require_POST
def manage_unpublish(request, pk):
    return _publication(
        request,
        pk,
        services.process_unpublish,
        _("“%(title)s” is no longer published: only process managers can see it."),
    )


@login_required
@require_GET
def manage_preview(request, pk):
    """The public page as citizens will see it, also for a draft."""
    _require_manager(request)
    process = selectors.process_for_manager(pk)
    return render(
        request,
        "processes/process_detail.html",
        _detail_context(request, process, preview=True),
    )
