"""Comment pages: plain POST forms that work without JavaScript.

The comments section on a contribution's page (``{% comments_section obj %}``)
posts here; success goes back to the contribution's page at the comment
(``#comment-N``); a refusal or a mistake comes back as a page with the error
summary and the text as typed, so nothing is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import forms, selectors, services
from .models import MAX_DEPTH, Comment
from .text import render_body


def _back(request, target_url: str, anchor: str = "comments") -> str:
    """Where to go after a write: the page the form was on (same contribution
    page, keeping its sort and page), else the contribution's page."""
    path = target_url.split("#", 1)[0]
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and candidate.split("?", 1)[0].split("#", 1)[0] == path
    ):
        path = candidate.split("#", 1)[0]
    return f"{path}#{anchor}"


def _comment_or_404(pk) -> tuple[Comment, object, object, object]:
    """The comment, its kind, target and the target's presentation; 404 when the
    comment or its target is gone or the target is hidden."""
    comment = selectors.comment_for_page(pk)
    if comment is None:
        raise Http404
    try:
        kind, target = selectors.target_of(comment)
    except LookupError as exc:
        raise Http404 from exc
    if kind.is_hidden(target):
        raise Http404
    return comment, kind, target, kind.present(target)


def _render_form(request, *, form, mode, kind, target, presentation, status=200, **extra):
    return render(
        request,
        "comments/comment_form.html",
        {
            "form": form,
            "mode": mode,
            "kind": kind,
            "target": target,
            "presentation": presentation,
            "reason": selectors.refusal(request.user, target, kind),
            "next": request.POST.get("next") or request.GET.get("next") or "",
            **extra,
        },
        status=status,
    )


def _attempt(form: forms.CommentForm, write):
    """Run a service call; put its refusal on the form. Returns (result, status)."""
    try:
        return write(), 200
    except ValidationError as exc:
        form.apply(exc)
        return None, 200
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You cannot do this."))
        return None, 403


@require_http_methods(["GET", "POST"])
def create(request):
    """A new top-level comment on a contribution (kind + id)."""
    data = request.POST if request.method == "POST" else request.GET
    target_form = forms.TargetForm(data)
    if not target_form.is_valid():
        raise Http404
    try:
        kind, target = selectors.visible_target(
            target_form.cleaned_data["kind"], target_form.cleaned_data["id"]
        )
    except LookupError as exc:
        raise Http404 from exc
    presentation = kind.present(target)
    form = forms.CommentForm(
        request.POST if request.method == "POST" else None, stances=kind.comment_stances
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        comment, status = _attempt(
            form,
            lambda: services.comment_create(
                actor=request.user,
                target=target,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data.get("stance", ""),
            ),
        )
        if comment is not None:
            messages.success(request, _("Your comment is published."))
            return redirect(_back(request, presentation.url, comment.anchor))
    return _render_form(
        request,
        form=form,
        mode="create",
        kind=kind,
        target=target,
        presentation=presentation,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reply(request, pk):
    parent, kind, target, presentation = _comment_or_404(pk)
    form = forms.CommentForm(
        request.POST if request.method == "POST" else None,
        body_label=gettext_lazy("Your reply"),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        comment, status = _attempt(
            form,
            lambda: services.comment_create(
                actor=request.user, target=target, body=form.cleaned_data["body"], parent=parent
            ),
        )
        if comment is not None:
            messages.success(request, _("Your reply is published."))
            return redirect(_back(request, presentation.url, comment.anchor))
    too_deep = parent.depth >= MAX_DEPTH
    return _render_form(
        request,
        form=form,
        mode="reply",
        kind=kind,
        target=target,
        presentation=presentation,
        status=status,
        parent=parent,
        parent_html=render_body(parent.body, parent.mentions) if parent.is_visible else "",
        too_deep=too_deep,
    )


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    comment, kind, target, presentation = _comment_or_404(pk)
    if not request.user.has_perm("comments.edit_comment", comment):
        raise PermissionDenied
    if not comment.is_visible:
        raise Http404
    stances = kind.comment_stances and comment.parent_id is None
    if request.method == "POST":
        form = forms.CommentForm(request.POST, stances=stances)
    else:
        form = forms.CommentForm(
            initial={"body": comment.body, "stance": comment.stance}, stances=stances
        )
    status = 200
    if request.method == "POST" and form.is_valid():
        edited, status = _attempt(
            form,
            lambda: services.comment_edit(
                actor=request.user,
                comment=comment,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data.get("stance") if stances else None,
            ),
        )
        if edited is not None:
            messages.success(request, _("Your comment is changed."))
            return redirect(_back(request, presentation.url, comment.anchor))
    return _render_form(
        request,
        form=form,
        mode="edit",
        kind=kind,
        target=target,
        presentation=presentation,
        status=status,
        comment=comment,
    )


@require_http_methods(["GET", "POST"])
def delete(request, pk):
    comment, _kind, _target, presentation = _comment_or_404(pk)
    if not request.user.has_perm("comments.delete_comment", comment):
        raise PermissionDenied
    if comment.is_deleted:
        messages.info(request, _("This comment was already deleted."))
        return redirect(_back(request, presentation.url, comment.anchor))
    if request.method == "POST":
        services.comment_delete(actor=request.user, comment=comment)
        messages.success(request, _("The comment is deleted. Replies to it stay."))
        return redirect(_back(request, presentation.url, comment.anchor))
    return render(
        request,
        "comments/comment_confirm_delete.html",
        {
            "comment": comment,
            "presentation": presentation,
            "body_html": render_body(comment.body, comment.mentions),
            "next": request.GET.get("next", ""),
        },
    )


@require_POST
def vote(request, pk):
    comment, _kind, _target, presentation = _comment_or_404(pk)
    back = _back(request, presentation.url, comment.anchor)
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to vote up, down, or take your vote back."))
        return redirect(back)
    try:
        services.comment_vote(actor=request.user, comment=comment, value=form.vote)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("You cannot vote on this comment."))
    else:
        if form.vote == 0:
            messages.success(request, _("Your vote is taken back."))
        else:
            messages.success(request, _("Thank you for your vote."))
    return redirect(back)


@require_GET
def history(request, pk):
    comment, _kind, _target, presentation = _comment_or_404(pk)
    if not comment.is_visible:
        raise Http404
    versions = [
        {"version": v, "html": render_body(v.body)}
        for v in comment.versions.order_by("-edited_at", "-id")
    ]
    return render(
        request,
        "comments/comment_history.html",
        {
            "comment": comment,
            "presentation": presentation,
            "body_html": render_body(comment.body, comment.mentions),
            "versions": versions,
        },
    )


@require_GET
def detail(request, pk):
    """A comment's permanent address: its place on the contribution's page."""
    comment, _kind, _target, presentation = _comment_or_404(pk)
    return redirect(f"{presentation.url}#{comment.anchor}")
