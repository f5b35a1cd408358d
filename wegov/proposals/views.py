"""The proposal pages of a process: list, write, read, support, edit, withdraw,
co-authors, and the official answer. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import secrets
from datetime import date
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.core.pagecache import cache_for_visitors
from wegov.core.paginator import KnownCountPaginator
from wegov.places.selectors import city_bounds
from wegov.processes.models import Action

from . import forms, selectors, services

PER_PAGE = 20
# The random order: each visitor gets one of ORDER_STARTS starting points
# (kept in a cookie, so that the pages agree), and the starting points move
# every day. Few starting points let visitors who are not signed in share
# cached pages; every proposal is still as likely as any other to come first.
ORDER_COOKIE = "wegov_order"
ORDER_STARTS = 64


def _process(request, process_slug):
    process = selectors.process_for_proposals(process_slug, request.user)
    if process is None:
        raise Http404
    return process


def _proposal(request, process, pk, *, allow_hidden=False):
    proposal = selectors.proposal_for_page(process, pk)
    if proposal is None or (proposal.is_hidden and not allow_hidden):
        raise Http404
    return proposal


def _detail_url(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.process.slug, proposal.pk])


def _refused(request, process, reason: str, *, proposal=None, status: int = 403):
    return render(
        request,
        "proposals/proposal_refused.html",
        {"process": process, "proposal": proposal, "reason": reason},
        status=status,
    )


def proposal_action(refusal=None):
    """For the pages that act on one proposal: load the process and the
    proposal (404 when they do not match), send visitors to log in, and show
    the refusal page when ``refusal(user, proposal)`` gives a reason. The view
    is then called as ``view(request, process, proposal)``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, process_slug, pk):
            process = _process(request, process_slug)
            proposal = _proposal(request, process, pk)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            reason = refusal(request.user, proposal) if refusal else None
            if reason:
                return _refused(request, process, reason, proposal=proposal)
            return view(request, process, proposal)

        return wrapper

    return decorator


def _order_slot(request) -> int:
    """This visitor's starting point of the random order (0..ORDER_STARTS-1),
    from their cookie, or drawn now (``remember_order_slot`` sets the cookie)."""
    slot = getattr(request, "_order_slot", None)
    if slot is None:
        raw = request.COOKIES.get(ORDER_COOKIE, "")
        if raw.isdigit() and int(raw) < ORDER_STARTS:
            slot = int(raw)
        else:
            slot = secrets.randbelow(ORDER_STARTS)
            request._order_slot_is_new = True
        request._order_slot = slot
    return slot


def _random_seed(request) -> int:
    return date.today().toordinal() * ORDER_STARTS + _order_slot(request)


def _list_variant(request) -> str:
    """What the list page depends on besides the address and the language."""
    ordered_randomly = request.GET.get("order", "random") not in selectors.ORDERINGS[1:]
    return f"seed={_random_seed(request)}" if ordered_randomly else ""


def remember_order_slot(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(request, "_order_slot_is_new", False):
            response.set_cookie(
                ORDER_COOKIE,
                str(request._order_slot),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    return wrapper


# --- The list ------------------------------------------------------------------------


@require_GET
@remember_order_slot
@cache_for_visitors(vary=_list_variant)
def proposal_list(request, process_slug):
    process = _process(request, process_slug)
    form = forms.ProposalFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else selectors.ProposalFilters()
    order = form.ordering() if form.is_bound else "random"
    qs = selectors.filter_proposals(selectors.public_proposals(process), filters)
    total = selectors.listed_count(process, filters, qs)
    qs = selectors.order_proposals(
        qs, order, seed=_random_seed(request) if order == "random" else 0
    )
    page = KnownCountPaginator(qs, PER_PAGE, count=total).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/proposal_list.html",
        {
            "process": process,
            "form": form,
            "filters": filters,
            "order": order,
            "page": page,
            "supported": selectors.supported_ids(request.user, [p.pk for p in page.object_list]),
            "propose_refusal": services.propose_refusal(request.user, process),
            "allows_propose": process.allows(Action.PROPOSE),
        },
    )


# --- Writing a proposal ----------------------------------------------------------------


def _live_similar_attrs(form, process) -> None:
    """htmx: the similar proposals refresh while the title or text is typed."""
    url = reverse("proposals:similar", args=[process.slug])
    common = {
        "hx-get": url,
        "hx-target": "#similar-live",
        "hx-swap": "innerHTML",
        "hx-sync": "#similar-live:replace",
    }
    form.fields["title"].widget.attrs.update(
        common, **{"hx-trigger": "input changed delay:500ms, change", "hx-include": "#id_body"}
    )
    form.fields["body"].widget.attrs.update(
        common, **{"hx-trigger": "change", "hx-include": "#id_title"}
    )


def _render_create(request, process, step, start, **context):
    if step == "start":
        _live_similar_attrs(start, process)
    return render(
        request,
        "proposals/proposal_form.html",
        {
            "process": process,
            "step": step,
            "start": start,
            "map_bounds": city_bounds(),
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_create(request, process_slug):
    process = _process(request, process_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = services.propose_refusal(request.user, process)
    if refusal:
        return _refused(request, process, refusal)
    if request.method == "GET":
        return _render_create(request, process, "start", forms.ProposalForm(process=process))

    action = request.POST.get("action", "check")
    start = forms.ProposalForm(request.POST, process=process)
    if action == "edit":
        typed = {name: request.POST.get(name, "") for name in start.fields}
        return _render_create(
            request, process, "start", forms.ProposalForm(initial=typed, process=process)
        )
    if not start.is_valid():
        return _render_create(request, process, "start", start)
    if action == "check":
        similar = selectors.similar_proposals(
            process, start.cleaned_data["title"], start.cleaned_data["body"]
        )
        if similar:
            return _render_create(request, process, "similar", start, similar=similar)
    if action != "submit":
        return _render_create(request, process, "details", start, details=forms.AttachmentForm())

    details = forms.AttachmentForm(request.POST, request.FILES)
    if details.is_valid():
        try:
            proposal = services.proposal_create(
                actor=request.user,
                process=process,
                data=start.data_for_service(),
                attachments=details.new_attachments(),
            )
        except ValidationError as exc:
            forms.apply_service_errors(exc, [details, start])
        else:
            messages.success(request, _("Thank you: your proposal is published."))
            return redirect(_detail_url(proposal))
    if request.FILES and details.errors:
        details.add_error(None, _("Choose the attachment again: files are not kept."))
    if start.errors:
        return _render_create(request, process, "start", start)
    return _render_create(request, process, "details", start, details=details)


@require_GET
def similar(request, process_slug):
    """Proposals like the one being written: an htmx partial or a small page."""
    process = _process(request, process_slug)
    form = forms.SimilarQueryForm(request.GET)
    found = []
    if form.is_valid():
        found = selectors.similar_proposals(
            process, form.cleaned_data["title"], form.cleaned_data["body"]
        )
    template = "proposals/_similar.html" if request.htmx else "proposals/proposal_similar.html"
    return render(request, template, {"process": process, "similar": found, "live": True})


# --- A proposal's page ---------------------------------------------------------------------


def _support_context(request, proposal) -> dict:
    user = request.user
    supported = bool(selectors.supported_ids(user, [proposal.pk]))
    return {
        "supported": supported,
        "support_refusal": services.support_refusal(user, proposal),
        "support_refusal_login": not user.is_authenticated
        and services.supports_closed_reason(proposal) is None,
    }


@cache_for_visitors()
def proposal_detail(request, process_slug, pk):
    process = _process(request, process_slug)
    proposal = _proposal(request, process, pk, allow_hidden=True)
    if proposal.is_hidden:
        return render(
            request, "proposals/proposal_hidden.html", {"process": process, "proposal": proposal}
        )
    user = request.user
    coauthorships = list(proposal.coauthorships.all())
    invitation = next(
        (c for c in coauthorships if user.is_authenticated and c.user_id == user.pk), None
    )
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "process": process,
            "proposal": proposal,
            "coauthors": [c.user for c in coauthorships if c.accepted_at],
            "invitation": invitation if invitation and not invitation.accepted_at else None,
            "can_edit": user.is_authenticated and services.edit_refusal(user, proposal) is None,
            "can_withdraw": user.is_authenticated
            and services.withdraw_refusal(user, proposal) is None,
            "can_invite": user.is_authenticated
            and user.pk == proposal.author_id
            and not proposal.is_withdrawn,
            "is_coauthor": user.is_authenticated
            and any(c.user_id == user.pk and c.accepted_at for c in coauthorships),
            "can_answer": user.is_authenticated and services.answer_refusal(user, proposal) is None,
            **_support_context(request, proposal),
        },
    )


@require_POST
def support(request, process_slug, pk):
    process = _process(request, process_slug)
    proposal = _proposal(request, process, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_detail_url(proposal))
    remove = request.POST.get("action") == "remove"
    error = ""
    try:
        if remove:
            changed = services.support_remove(actor=request.user, proposal=proposal)
            note = _("You no longer support this proposal.") if changed else ""
        else:
            changed = services.support_add(actor=request.user, proposal=proposal)
            note = (
                _("Thank you: you support this proposal.")
                if changed
                else _("You already support this proposal.")
            )
    except (PermissionDenied, ValidationError) as exc:
        error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        note = ""
    if request.htmx:
        context = {
            "process": process,
            "proposal": proposal,
            "support_note": note,
            "support_error": error,
            **_support_context(request, proposal),
        }
        return render(request, "proposals/_support_box.html", context)
    if error:
        messages.error(request, error)
    elif note:
        messages.success(request, note)
    return redirect(_detail_url(proposal))


# --- Edit, withdraw --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@proposal_action(services.edit_refusal)
def proposal_edit(request, process, proposal):
    existing = list(proposal.attachments.all())
    if request.method == "GET":
        initial = {
            "title": proposal.title,
            "body": proposal.body,
            "topic": proposal.topic_id,
            "district": proposal.district.slug if proposal.district_id else "",
            "lat": proposal.lat,
            "lon": proposal.lon,
            "address": proposal.address,
        }
        form = forms.ProposalForm(initial=initial, process=process)
        details = forms.AttachmentForm(existing=existing)
    else:
        form = forms.ProposalForm(request.POST, process=process)
        details = forms.AttachmentForm(request.POST, request.FILES, existing=existing)
        if form.is_valid() and details.is_valid():
            try:
                services.proposal_update(
                    actor=request.user,
                    proposal=proposal,
                    data=form.data_for_service(),
                    add_attachments=details.new_attachments(),
                    remove_attachments=details.removed(),
                )
            except ValidationError as exc:
                forms.apply_service_errors(exc, [form, details])
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(_detail_url(proposal))
    return render(
        request,
        "proposals/proposal_edit.html",
        {
            "process": process,
            "proposal": proposal,
            "form": form,
            "details": details,
            "map_bounds": city_bounds(),
        },
    )


@require_http_methods(["GET", "POST"])
@proposal_action(services.withdraw_refusal)
def proposal_withdraw(request, process, proposal):
    if request.method == "POST":
        services.proposal_withdraw(actor=request.user, proposal=proposal)
        messages.success(request, _("Your proposal is withdrawn. It stays visible, marked so."))
        return redirect(_detail_url(proposal))
    return render(
        request, "proposals/proposal_withdraw.html", {"process": process, "proposal": proposal}
    )


# --- Co-authors -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@proposal_action()
def coauthor_invite(request, process, proposal):
    if request.user.pk != proposal.author_id or proposal.is_withdrawn:
        return _refused(
            request,
            process,
            _("Only the author of a proposal that is not withdrawn can invite co-authors."),
            proposal=proposal,
        )
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.coauthor_invite(actor=request.user, proposal=proposal, email=email)
        except ValidationError as exc:
            forms.apply_service_errors(exc, [form])
        except PermissionDenied as exc:
            return _refused(request, process, str(exc), proposal=proposal)
        else:
            messages.success(
                request,
                _(
                    "If %(email)s belongs to a WeGov participant, they are invited now. "
                    "They appear as co-author once they accept."
                )
                % {"email": email},
            )
            return redirect(_detail_url(proposal))
    return render(
        request,
        "proposals/coauthor_invite.html",
        {
            "process": process,
            "proposal": proposal,
            "form": form,
            "coauthorships": list(proposal.coauthorships.all()),
        },
    )


@require_http_methods(["GET", "POST"])
@proposal_action()
def coauthor_invitation(request, process, proposal):
    """The invitee accepts or declines."""
    invitation = next(
        (
            c
            for c in proposal.coauthorships.all()
            if c.user_id == request.user.pk and not c.accepted_at
        ),
        None,
    )
    if invitation is None:
        return _refused(
            request,
            process,
            _("There is no open invitation for you on this proposal."),
            proposal=proposal,
            status=404,
        )
    if request.method == "POST":
        accept = request.POST.get("action") == "accept"
        try:
            services.coauthor_respond(actor=request.user, proposal=proposal, accept=accept)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if accept:
                messages.success(request, _("You are now a co-author of this proposal."))
            else:
                messages.info(request, _("You declined the invitation."))
        return redirect(_detail_url(proposal))
    return render(
        request,
        "proposals/coauthor_invitation.html",
        {"process": process, "proposal": proposal, "invitation": invitation},
    )


@require_POST
@proposal_action()
def coauthor_remove(request, process, proposal):
    """The author removes a co-author or an invitation; a co-author leaves."""
    person = next(
        (
            c.user
            for c in proposal.coauthorships.all()  # prefetched with their users
            if str(c.user.public_id) == request.POST.get("person", "")
        ),
        None,
    )
    if person is None:
        return _refused(
            request,
            process,
            _("This person is not a co-author of this proposal."),
            proposal=proposal,
            status=404,
        )
    try:
        services.coauthor_remove(actor=request.user, proposal=proposal, user=person)
    except PermissionDenied as exc:
        return _refused(request, process, str(exc), proposal=proposal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if person.pk == request.user.pk:
            messages.success(request, _("You are no longer a co-author of this proposal."))
        else:
            messages.success(
                request,
                _("%(name)s is no longer a co-author of this proposal.")
                % {"name": person.public_name},
            )
    if person.pk == request.user.pk:
        return redirect(_detail_url(proposal))
    return redirect(reverse("proposals:coauthor_invite", args=[process.slug, proposal.pk]))


# --- The official answer ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@proposal_action(services.answer_refusal)
def proposal_answer(request, process, proposal):
    if request.method == "POST":
        form = forms.AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.proposal_answer(
                    actor=request.user,
                    proposal=proposal,
                    state=form.cleaned_data["answer_state"],
                    text=form.cleaned_data["answer_text"],
                )
            except ValidationError as exc:
                forms.apply_service_errors(exc, [form])
            else:
                messages.success(request, _("The answer is published. The authors are told."))
                return redirect(_detail_url(proposal))
    else:
        initial = {"answer_text": proposal.answer_text}
        if proposal.is_answered:
            initial["answer_state"] = proposal.answer_state
        form = forms.AnswerForm(initial=initial)
    return render(
        request,
        "proposals/proposal_answer.html",
        {"process": process, "proposal": proposal, "form": form},
    )
