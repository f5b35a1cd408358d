"""Organisers' pages: the conversations they manage, create and edit (with
seed statements), publish, close, and ask for the groups to be recomputed.

Thin views: the form parses, one ``manage_services`` function writes, one
``manage_selectors`` function reads. Process managers and administrators only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.core.forms import apply_service_errors

from . import manage_selectors, manage_services
from .manage_forms import ConversationForm

PER_PAGE = 50


def _require_organiser(request) -> None:
    if not request.user.has_perm("opinions.manage_conversations"):
        raise PermissionDenied


@login_required
@require_GET
def manage(request):
    _require_organiser(request)
    page = Paginator(manage_selectors.conversations_for_manager(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "opinions/manage_list.html", {"page": page})


def _saved_message(conversation, added: int) -> str:
    if not added:
        return _("The conversation “%(topic)s” is saved.") % {"topic": conversation.topic}
    return ngettext(
        "The conversation “%(topic)s” is saved, with %(count)d new seed statement.",
        "The conversation “%(topic)s” is saved, with %(count)d new seed statements.",
        added,
    ) % {"topic": conversation.topic, "count": added}


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    _require_organiser(request)
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = manage_services.conversation_create(
                actor=request.user,
                data=form.to_input(),
                seed_statements=form.cleaned_data["seed_statements"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _saved_message(conversation, len(form.cleaned_data["seed_statements"]))
                + " "
                + _("It is a draft: publish it when it is ready."),
            )
            return redirect("opinions:edit", conversation.slug)
    return render(
        request,
        "opinions/manage_form.html",
        {"form": form, "conversation": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    _require_organiser(request)
    conversation = manage_selectors.conversation_for_manager(slug)
    form = ConversationForm(request.POST or None, conversation=conversation)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = manage_services.conversation_update(
                actor=request.user,
                conversation=conversation,
                data=form.to_input(),
                seed_statements=form.cleaned_data["seed_statements"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _saved_message(conversation, len(form.cleaned_data["seed_statements"]))
            )
            return redirect("opinions:edit", conversation.slug)
    return render(
        request,
        "opinions/manage_form.html",
        {
            "form": form,
            "conversation": conversation,
            "seeds": list(manage_selectors.seed_statements(conversation)),
        },
        status=400 if form.errors else 200,
    )


def _action(request, slug, service, done: str):
    _require_organiser(request)
    conversation = manage_selectors.conversation_for_manager(slug)
    try:
        service(actor=request.user, conversation=conversation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"topic": conversation.topic})
    return redirect("opinions:edit", conversation.slug)


@login_required
@require_POST
def publish(request, slug):
    return _action(
        request, slug, manage_services.conversation_publish, _("“%(topic)s” is published.")
    )


@login_required
@require_POST
def unpublish(request, slug):
    return _action(
        request,
        slug,
        manage_services.conversation_unpublish,
        _("“%(topic)s” is no longer published: only organisers can see it."),
    )


@login_required
@require_POST
def close(request, slug):
    return _action(
        request,
        slug,
        manage_services.conversation_close,
        _("“%(topic)s” is closed: it takes no more votes or statements, its results stay."),
    )


@login_required
@require_POST
def reopen(request, slug):
    return _action(
        request,
        slug,
        manage_services.conversation_reopen,
        _("“%(topic)s” is open again for votes and statements."),
    )


@login_required
@require_POST
def recompute(request, slug):
    _require_organiser(request)
    conversation = manage_selectors.conversation_for_manager(slug)
    if manage_services.recompute_request(actor=request.user, conversation=conversation):
        messages.success(
            request,
            _(
                "The opinion groups will be recomputed in the background: the results "
                "page shows them when it is done, usually within a minute."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "A recomputation of the opinion groups is already queued: the results "
                "page shows it when it is done, usually within a minute."
            ),
        )
    return redirect("opinions:edit", conversation.slug)
