"""The poll pages of a process: list, ballot, results, my delegation, and the
managers' pages. Thin views: a form parses, one service or selector works."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.accounts.models import User
from wegov.processes import selectors as process_selectors

from . import charts, forms, selectors, services
from .models import Poll


def _process(request, process_slug):
    return process_selectors.process_detail(process_slug, viewer=request.user)


def _poll(request, process_slug, pk) -> Poll:
    _process(request, process_slug)
    return selectors.poll_for_viewer(pk, request.user, process_slug=process_slug)


def _can_manage(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("voting.manage_polls"))


def _refused(request, process, reason: str, *, heading: str, poll=None):
    return render(
        request,
        "voting/poll_refused.html",
        {"process": process, "poll": poll, "reason": reason, "heading": heading},
        status=403,
    )


# --- Public pages -------------------------------------------------------------------


@require_GET
def poll_list(request, process_slug):
    process = _process(request, process_slug)
    manage = _can_manage(request.user)
    polls = list(selectors.polls_of_process(process, manage=manage))
    return render(
        request,
        "voting/poll_list.html",
        {
            "process": process,
            "polls": polls,
            "can_manage": manage,
            "delegation_enabled": selectors.delegation_enabled(process),
            "my_delegation": selectors.current_delegation(process, request.user),
        },
    )


def _detail_context(request, poll: Poll, form, vote) -> dict:
    process = poll.process
    delegation = selectors.current_delegation(process, request.user)
    return {
        "process": process,
        "poll": poll,
        "form": form,
        "vote": vote,
        "refusal": services.vote_refusal(request.user, poll),
        "may_see_results": request.user.has_perm("voting.view_results", poll),
        "delegation_enabled": selectors.delegation_enabled(process),
        "my_delegation": delegation,
        "weight": selectors.total_weight(process, request.user)
        if request.user.is_authenticated and selectors.delegation_enabled(process)
        else 1,
        "can_manage": _can_manage(request.user),
    }


@require_http_methods(["GET", "POST"])
def poll_detail(request, process_slug, pk):
    poll = _poll(request, process_slug, pk)
    vote = selectors.vote_of(poll, request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        refusal = services.vote_refusal(request.user, poll)
        if refusal:
            return _refused(
                request, poll.process, refusal, heading=_("You cannot vote on this poll"), poll=poll
            )
        form = forms.BallotForm(request.POST, poll=poll)
        if form.is_valid():
            try:
                services.vote_cast(actor=request.user, poll=poll, **form.service_kwargs())
            except ValidationError as exc:
                form.apply_service_errors(exc)
            except PermissionDenied as exc:
                return _refused(
                    request, poll.process, str(exc), heading=_("You cannot vote"), poll=poll
                )
            else:
                messages.success(
                    request,
                    _("Your vote is changed.") if vote else _("Your vote is counted."),
                )
                return redirect("voting:detail", process_slug, poll.pk)
        return render(
            request,
            "voting/poll_detail.html",
            _detail_context(request, poll, form, vote),
            status=400,
        )
    form = forms.BallotForm(poll=poll)
    form.initial_from(vote)
    return render(request, "voting/poll_detail.html", _detail_context(request, poll, form, vote))


@login_required
@require_POST
def poll_withdraw(request, process_slug, pk):
    poll = _poll(request, process_slug, pk)
    try:
        had = services.vote_withdraw(actor=request.user, poll=poll)
    except PermissionDenied as exc:
        return _refused(request, poll.process, str(exc), heading=_("You cannot vote"), poll=poll)
    if had:
        messages.success(request, _("Your vote is withdrawn."))
    return redirect("voting:detail", process_slug, poll.pk)


@require_GET
def poll_results(request, process_slug, pk):
    poll = _poll(request, process_slug, pk)
    if not request.user.has_perm("voting.view_results", poll):
        if poll.results_visibility == Poll.Results.LIVE:
            reason = _("The results are shown once the poll opens.")
        else:
            reason = _("The results are shown once the poll has closed.")
        return _refused(
            request, poll.process, reason, heading=_("The results are not out yet"), poll=poll
        )
    results = selectors.poll_results(poll)
    return render(
        request,
        "voting/poll_results.html",
        {
            "process": poll.process,
            "poll": poll,
            "results": results,
            "chart": charts.weights_chart(results),
            "tally": selectors.latest_tally(poll),
            "can_manage": _can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def delegation(request, process_slug):
    process = _process(request, process_slug)
    if not selectors.delegation_enabled(process):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = services.delegation_refusal(request.user, process)
    search = forms.DelegateSearchForm(request.GET or None)
    candidates = []
    if search.is_valid() and search.cleaned_data.get("q"):
        candidates = list(
            selectors.delegate_candidates(process, request.user, search.cleaned_data["q"])
        )
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = forms.DelegateForm(request.POST)
        if refusal:
            return _refused(request, process, refusal, heading=_("You cannot delegate your vote"))
        if form.is_valid():
            delegate = User.objects.filter(pk=form.cleaned_data["delegate"]).first()
            try:
                services.delegation_set(actor=request.user, process=process, delegate=delegate)
            except ValidationError as exc:
                errors = [m for ms in exc.message_dict.values() for m in ms]
            else:
                messages.success(
                    request,
                    _("Your vote in this process now goes to %(name)s, unless you vote yourself.")
                    % {"name": delegate.public_name},
                )
                return redirect("voting:delegation", process.slug)
        else:
            errors = [m for ms in form.errors.values() for m in ms]
        status = 400
    return render(
        request,
        "voting/delegation.html",
        {
            "process": process,
            "refusal": refusal,
            "search": search,
            "candidates": candidates,
            "errors": errors,
            "current": selectors.current_delegation(process, request.user),
            "chain": selectors.delegation_chain(process, request.user),
            "delegators": selectors.delegators_of(process, request.user),
            "weight": selectors.total_weight(process, request.user),
        },
        status=status,
    )


@login_required
@require_POST
def delegation_revoke(request, process_slug):
    process = _process(request, process_slug)
    try:
        had = services.delegation_revoke(actor=request.user, process=process)
    except PermissionDenied as exc:
        return _refused(request, process, str(exc), heading=_("You cannot change your delegation"))
    if had:
        messages.success(request, _("Your delegation is revoked: your vote is yours again."))
    return redirect("voting:delegation", process.slug)


# --- Managers -----------------------------------------------------------------------


def _manager_process(request, process_slug):
    if not _can_manage(request.user):
        raise PermissionDenied
    process = process_selectors.process_by_slug(process_slug)
    if process is None:
        raise Http404
    return process


@login_required
@require_GET
def manage(request, process_slug):
    process = _manager_process(request, process_slug)
    return render(
        request,
        "voting/manage/poll_list.html",
        {
            "process": process,
            "polls": list(selectors.polls_of_process(process, manage=True)),
            "settings_form": forms.VotingSettingsForm(
                initial={"delegation_enabled": selectors.delegation_enabled(process)}
            ),
        },
    )


@login_required
@require_POST
def manage_settings(request, process_slug):
    process = _manager_process(request, process_slug)
    form = forms.VotingSettingsForm(request.POST)
    form.is_valid()
    services.voting_settings_save(
        actor=request.user,
        process=process,
        delegation_enabled=form.cleaned_data.get("delegation_enabled", False),
    )
    messages.success(request, _("The voting settings are saved."))
    return redirect("voting:manage", process.slug)


@login_required
@require_http_methods(["GET", "POST"])
def manage_poll_form(request, process_slug, pk=None):
    process = _manager_process(request, process_slug)
    poll = selectors.poll_get(pk, process_slug=process_slug) if pk else None
    initial = forms.PollForm.initial_for(poll) if poll else None
    form = forms.PollForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if poll is None:
                poll = services.poll_create(
                    actor=request.user, process=process, data=form.to_input()
                )
            else:
                poll = services.poll_update(actor=request.user, poll=poll, data=form.to_input())
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("The poll “%(title)s” is saved.") % {"title": poll.title})
            return redirect("voting:manage", process.slug)
    return render(
        request,
        "voting/manage/poll_form.html",
        {"process": process, "poll": poll, "form": form},
        status=400 if form.errors else 200,
    )


def _manager_action(request, process_slug, pk, service, done):
    process = _manager_process(request, process_slug)
    poll = selectors.poll_get(pk, process_slug=process_slug)
    try:
        service(actor=request.user, poll=poll)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"title": poll.title})
    return redirect("voting:manage", process.slug)


@login_required
@require_POST
def manage_publish(request, process_slug, pk):
    return _manager_action(
        request, process_slug, pk, services.poll_publish, _("“%(title)s” is published.")
    )


@login_required
@require_POST
def manage_unpublish(request, process_slug, pk):
    return _manager_action(
        request,
        process_slug,
        pk,
        services.poll_unpublish,
        _("“%(title)s” is no longer published."),
    )


@login_required
@require_POST
def manage_publish_results(request, process_slug, pk):
    return _manager_action(
        request,
        process_slug,
        pk,
        services.poll_results_publish,
        _("The results of “%(title)s” are recorded and announced."),
    )
