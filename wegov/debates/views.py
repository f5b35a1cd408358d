"""The debate pages of a process: list, open, read, change, close, reopen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.accounts.rules import is_moderator
from wegov.core.forms import apply_service_errors

from . import forms, selectors, services
from .rules import citizens_may_open_now, is_administration_side

PER_PAGE = 20


def _process(request, process_slug):
    process = selectors.visible_process(request.user, process_slug)
    if process is None:
        raise Http404
    return process


def _debate(request, process_slug, pk):
    process = _process(request, process_slug)
    debate = selectors.debate_detail(process, pk)
    if debate is None:
        raise Http404
    return debate


def _refused(request, process, reason: str, *, heading: str, debate=None):
    """The page that says why someone cannot do something (403)."""
    return render(
        request,
        "debates/debate_refused.html",
        {"process": process, "debate": debate, "reason": reason, "heading": heading},
        status=403,
    )


@require_GET
def debate_list(request, process_slug):
    process = _process(request, process_slug)
    form = forms.DebateFilterForm(request.GET or None, topics=selectors.topics_in(process))
    filters = form.filters()
    page = Paginator(selectors.debates_for(process, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    refusal = services.open_refusal(request.user, process)
    return render(
        request,
        "debates/debate_list.html",
        {
            "process": process,
            "form": form,
            "filters": filters,
            "page": page,
            "may_open": refusal is None,
            # Anonymous visitors see the button when logging in would let them.
            "may_open_after_login": not request.user.is_authenticated
            and process.is_published
            and citizens_may_open_now(None, process),
        },
    )


@require_http_methods(["GET", "POST"])
def debate_create(request, process_slug):
    process = _process(request, process_slug)
    refusal = services.open_refusal(request.user, process)
    if refusal:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _refused(request, process, refusal, heading=_("You cannot open a debate here"))
    official = is_administration_side(request.user, process)
    form = forms.DebateForm(
        request.POST if request.method == "POST" else None,
        process=process,
        initial={"topic": process.topic_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            debate = services.debate_create(
                actor=request.user, process=process, **form.service_kwargs()
            )
        except PermissionDenied as exc:
            return _refused(request, process, str(exc), heading=_("You cannot open a debate here"))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Your debate is open. People can now argue for or against.")
            )
            return redirect("debates:detail", process_slug=process.slug, pk=debate.pk)
    return render(
        request,
        "debates/debate_form.html",
        {"process": process, "form": form, "official": official, "debate": None},
    )


@require_http_methods(["GET", "POST"])
def debate_edit(request, process_slug, pk):
    debate = _debate(request, process_slug, pk)
    process = debate.process
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = services.edit_refusal(request.user, debate)
    if refusal:
        return _refused(
            request, process, refusal, heading=_("You cannot change this debate"), debate=debate
        )
    if request.method == "POST":
        form = forms.DebateForm(request.POST, process=process)
        if form.is_valid():
            try:
                services.debate_update(actor=request.user, debate=debate, **form.service_kwargs())
            except PermissionDenied as exc:
                return _refused(
                    request,
                    process,
                    str(exc),
                    heading=_("You cannot change this debate"),
                    debate=debate,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("debates:detail", process_slug=process.slug, pk=debate.pk)
    else:
        form = forms.DebateForm(
            process=process,
            initial={
                "title": debate.title,
                "description": debate.description,
                "topic": debate.topic_id,
                "district": debate.district_id,
            },
        )
    return render(
        request,
        "debates/debate_form.html",
        {"process": process, "form": form, "official": debate.is_official, "debate": debate},
    )


def _render_detail(request, debate, *, close_form=None):
    user = request.user
    if debate.is_hidden and not is_moderator(user):
        return render(request, "debates/debate_hidden.html", {"debate": debate})
    may_close = services.close_refusal(user, debate) is None
    return render(
        request,
        "debates/debate_detail.html",
        {
            "process": debate.process,
            "debate": debate,
            "may_close": may_close,
            "close_form": close_form or (forms.CloseForm() if may_close else None),
            "may_reopen": services.reopen_refusal(user, debate) is None,
            "may_edit": services.edit_refusal(user, debate) is None,
        },
    )


@require_GET
def debate_detail(request, process_slug, pk):
    return _render_detail(request, _debate(request, process_slug, pk))


@require_POST
def debate_close(request, process_slug, pk):
    debate = _debate(request, process_slug, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(debate.get_absolute_url())
    heading = _("You cannot close this debate")
    refusal = services.close_refusal(request.user, debate)
    if refusal:
        return _refused(request, debate.process, refusal, heading=heading, debate=debate)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.debate_close(
                actor=request.user, debate=debate, conclusion=form.cleaned_data["conclusion"]
            )
        except PermissionDenied as exc:  # closed by someone else a moment ago
            return _refused(request, debate.process, str(exc), heading=heading, debate=debate)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The debate is closed and its conclusion is published."))
            return redirect(debate.get_absolute_url())
    return _render_detail(request, debate, close_form=form)


@require_POST
def debate_reopen(request, process_slug, pk):
    debate = _debate(request, process_slug, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(debate.get_absolute_url())
    try:
        services.debate_reopen(actor=request.user, debate=debate)
    except PermissionDenied as exc:
        return _refused(
            request,
            debate.process,
            str(exc),
            heading=_("You cannot reopen this debate"),
            debate=debate,
        )
    messages.success(request, _("The debate is open again; its conclusion was taken down."))
    return redirect(debate.get_absolute_url())
