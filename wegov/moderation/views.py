"""Moderation pages: flagging (participants), the queue and case pages
(moderators), blocked accounts and appeals. Thin: a form parses, one service
or selector does the work."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wegov.accounts.models import User
from wegov.core import quality
from wegov.core.forms import apply_service_errors

from . import selectors, services
from .forms import (
    AppealForm,
    BlockForm,
    DecideAppealForm,
    FlagForm,
    HideForm,
    QueueFilterForm,
    RestoreForm,
    UnblockForm,
)
from .models import BlockAppeal


def moderator_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("moderation.moderate"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# --- Flagging -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def flag(request, kind: str, object_id: int):
    kind_, obj = services.resolve(kind, object_id)
    back = _safe_next(request) or kind_.present(obj).url
    refusal = services.flag_refusal(request.user, kind_, obj)
    form = FlagForm(request.POST if request.method == "POST" else None)
    status = 200
    if refusal is None and request.method == "POST":
        if form.is_valid():
            try:
                services.flag(
                    user=request.user,
                    kind=kind_.kind,
                    object_id=obj.pk,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Thank you for your report. The moderators will look at it.")
                )
                return redirect(back)
        status = 400
    elif refusal is not None:
        # Blocked accounts and authors may not flag; a repeat is only information.
        status = 200 if refusal == services.already_flagged_message() else 403
    return render(
        request,
        "moderation/flag_form.html",
        {
            "form": form,
            "kind": kind_,
            # A hidden contribution's title stays hidden from non-moderators.
            "presentation": None if kind_.is_hidden(obj) else kind_.present(obj),
            "refusal": refusal,
            "back": back,
            "is_blocked": request.user.is_blocked,
            "hide_after": services.hide_after_flags(),
        },
        status=status,
    )


# --- The queue and a case -------------------------------------------------------------


@moderator_required
def queue(request):
    filters = QueueFilterForm(request.GET or None)
    status = 200
    kind = state = order = ""
    if filters.is_bound:
        if filters.is_valid():
            kind = filters.cleaned_data["kind"]
            state = filters.cleaned_data["state"]
            order = filters.cleaned_data["order"]
        else:
            status = 400
    state = state or "open"
    page, rows = selectors.queue(
        kind=kind, state=state, order=order or "queue", page_number=request.GET.get("page")
    )
    return render(
        request,
        "moderation/queue.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "state": state,
            "counts": selectors.queue_counts(),
            "scored_kinds": list(quality.SCORED_KINDS),
        },
        status=status,
    )


def _render_case(request, kind_, obj, *, status=200, **forms):
    row = selectors.case_detail(kind_, obj)
    author = row.case.author
    can_block = bool(
        author is not None
        and author.pk != request.user.pk
        and not author.is_superuser
        and author.is_active
        and not author.erased_at
    )
    return render(
        request,
        "moderation/case_detail.html",
        {
            "row": row,
            "case": row.case,
            "kind": kind_,
            "target": obj,
            "content": selectors.content_fields(kind_, obj),
            "history": selectors.history(obj),
            "author": author,
            "author_record": selectors.author_record(author),
            "can_block": can_block,
            "scored": kind_.kind in quality.SCORED_KINDS,
            "hide_form": forms.get("hide_form")
            or HideForm(initial={"public_reason": row.case.public_reason}),
            "restore_form": forms.get("restore_form") or RestoreForm(),
            "block_form": forms.get("block_form") or BlockForm(),
            "error_form": next(iter(forms.values()), None),
        },
        status=status,
    )


@moderator_required
def case_detail(request, kind: str, object_id: int):
    kind_, obj = services.resolve(kind, object_id)
    return _render_case(request, kind_, obj)


def _case_url(kind_, obj) -> str:
    return reverse("moderation:case", args=[kind_.kind, obj.pk])


def _case_action(request, kind_, obj, form_class, form_name, act):
    """Run one moderator action from the case page: on success a confirmation
    and back to the case; on a form or service error the case page again with
    the form's errors and what the moderator typed."""
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(_case_url(kind_, obj))
    return _render_case(request, kind_, obj, status=400, **{form_name: form})


@require_POST
@moderator_required
def hide(request, kind: str, object_id: int):
    kind_, obj = services.resolve(kind, object_id)

    def act(data):
        services.hide(
            moderator=request.user,
            kind=kind_.kind,
            object_id=obj.pk,
            public_reason=data["public_reason"],
            internal_note=data["internal_note"],
        )
        return _("Hidden. The public now sees your reason instead.")

    return _case_action(request, kind_, obj, HideForm, "hide_form", act)


@require_POST
@moderator_required
def restore(request, kind: str, object_id: int):
    kind_, obj = services.resolve(kind, object_id)

    def act(data):
        services.unhide(
            moderator=request.user, kind=kind_.kind, object_id=obj.pk, note=data["note"]
        )
        return _("Restored: it is visible and its flags are dismissed.")

    return _case_action(request, kind_, obj, RestoreForm, "restore_form", act)


@require_POST
@moderator_required
def block_author(request, kind: str, object_id: int):
    kind_, obj = services.resolve(kind, object_id)
    author_id = services.author_id(kind_, obj)
    if author_id is None:
        raise PermissionDenied
    author = get_object_or_404(User, pk=author_id)

    def act(data):
        services.block_user(moderator=request.user, user=author, notice=data["notice"])
        return _("%(name)s is blocked and was sent your notice.") % {"name": author.public_name}

    return _case_action(request, kind_, obj, BlockForm, "block_form", act)


# --- Blocked accounts -------------------------------------------------------------


def _render_blocks(request, *, status=200, failed_form=None, failed_appeal=None):
    blocks = list(selectors.active_blocks())
    for block in blocks:
        for appeal in block.appeals.all():
            if appeal.is_open:
                if failed_appeal is not None and appeal.pk == failed_appeal:
                    appeal.form = failed_form
                else:
                    appeal.form = DecideAppealForm(auto_id=f"appeal-{appeal.pk}-%s")
    return render(
        request,
        "moderation/blocked_users.html",
        {
            "blocks": blocks,
            "lifted": selectors.recently_lifted(),
            "error_form": failed_form,
        },
        status=status,
    )


@moderator_required
def blocked_users(request):
    return _render_blocks(request)


@require_http_methods(["GET", "POST"])
@moderator_required
def block_user(request, public_id):
    """Block any account (e.g. from a profile page), with a notice."""
    person = get_object_or_404(User, public_id=public_id, is_active=True)
    form = BlockForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.block_user(
                    moderator=request.user, user=person, notice=form.cleaned_data["notice"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is blocked and was sent your notice.")
                    % {"name": person.public_name},
                )
                return redirect("moderation:blocked_users")
        status = 400
    return render(
        request,
        "moderation/block_form.html",
        {"person": person, "form": form, "record": selectors.author_record(person)},
        status=status,
    )


@require_POST
@moderator_required
def unblock_user(request, public_id):
    person = get_object_or_404(User, public_id=public_id)
    form = UnblockForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["note"])
        services.unblock_user(moderator=request.user, user=person, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s can take part again.") % {"name": person.public_name})
    return redirect("moderation:blocked_users")


@require_POST
@moderator_required
def decide_appeal(request, pk: int):
    appeal = get_object_or_404(BlockAppeal, pk=pk)
    form = DecideAppealForm(request.POST, auto_id=f"appeal-{appeal.pk}-%s")
    if form.is_valid():
        try:
            services.decide_appeal(
                moderator=request.user,
                appeal=appeal,
                lift=form.cleaned_data["decision"] == "lift",
                response=form.cleaned_data["response"],
            )
        except ValidationError as exc:
            appeal.refresh_from_db()
            if not appeal.is_open:
                messages.error(request, " ".join(exc.messages))
                return redirect("moderation:blocked_users")
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Decided. The person was emailed your answer."))
            return redirect("moderation:blocked_users")
    return _render_blocks(request, status=400, failed_form=form, failed_appeal=appeal.pk)


# --- A blocked person's appeal ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request):
    status_info = selectors.own_block_status(request.user)
    has_open = any(a.is_open for a in status_info["appeals"])
    may_appeal = request.user.is_blocked and not has_open
    form = AppealForm(request.POST if request.method == "POST" else None) if may_appeal else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                _("You already sent an appeal. Moderators will answer it first.")
                if has_open
                else _("Your account is not blocked: there is nothing to appeal."),
            )
            return redirect("moderation:appeal")
        if form.is_valid():
            try:
                services.appeal(user=request.user, text=form.cleaned_data["text"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Your appeal was sent. A moderator will answer you by email.")
                )
                return redirect("moderation:appeal")
        status = 400
    return render(
        request,
        "moderation/appeal.html",
        {"form": form, "has_open": has_open, **status_info},
        status=status,
    )
