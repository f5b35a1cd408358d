"""Taking part in a conversation: the list, one statement at a time, voting,
my votes, a statement's page, writing a statement, and the moderators' queue.

Every page works without JavaScript (plain forms, POST-redirect-GET); with
htmx the vote buttons swap in the next statement's card instead.

Anonymous participants (where the organiser allows it) are told apart by the
``wegov_opinions_browser`` cookie: a random token set on their first vote or
statement; only its SHA-256 is stored (``Participant.browser_key``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.core.forms import apply_service_errors

from . import forms, rules, selectors, services
from .models import Conversation, Participant, Statement, Vote

VALUE_NAMES = {1: "agree", -1: "disagree", 0: "pass"}


# --- Looking things up --------------------------------------------------------------


def _conversation(request, slug) -> Conversation:
    conversation = Conversation.objects.select_related("process").filter(slug=slug).first()
    if conversation is None or not request.user.has_perm(
        "opinions.view_conversation", conversation
    ):
        raise Http404
    return conversation


def _statement(conversation, number) -> Statement:
    statement = Statement.objects.filter(conversation=conversation, number=number).first()
    if statement is None:
        raise Http404
    statement.conversation = conversation
    return statement


def _may_moderate(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("opinions.moderate_statements"))


class Identity:
    """Who is taking part in this request: a user, or an anonymous browser."""

    def __init__(self, request, conversation: Conversation):
        self.request = request
        self.conversation = conversation
        self.user = request.user if request.user.is_authenticated else None
        self.new_token = ""
        token = request.COOKIES.get(services.BROWSER_COOKIE, "")
        self.browser_key = (
            services.browser_key_of(token)
            if self.user is None and conversation.allow_anonymous
            else ""
        )

    def participant(self, *, create: bool = False) -> Participant | None:
        if self.user is None and not self.conversation.allow_anonymous:
            return None
        if self.user is None and not self.browser_key:
            if not create:
                return None
            self.new_token = services.new_browser_token()
            self.browser_key = services.browser_key_of(self.new_token)
        return services.participant_for(
            self.conversation, user=self.user, browser_key=self.browser_key, create=create
        )

    def finish(self, response):
        """Set the anonymous browser's cookie on its first vote or statement."""
        if self.new_token:
            response.set_cookie(
                services.BROWSER_COOKIE,
                self.new_token,
                max_age=services.BROWSER_COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _login_url(conversation) -> str:
    return reverse("account_login") + "?next=" + conversation.get_absolute_url()


def _needs_login(request, conversation) -> bool:
    return not request.user.is_authenticated and not conversation.allow_anonymous


# --- Reads for the pages ------------------------------------------------------------


def _card_context(request, conversation, participant, *, status: str = "", error: str = ""):
    refusal = rules.participation_refusal(request.user, conversation, doing=_("vote"))
    statement = None
    if conversation.is_open:
        statement = services.next_statement(conversation, participant)
    voted, total = selectors.progress(conversation, participant)
    return {
        "conversation": conversation,
        "statement": statement,
        "voted": voted,
        "total": total,
        "refusal": refusal,
        "needs_login": _needs_login(request, conversation),
        "login_url": _login_url(conversation),
        "vote_status": status,
        "vote_error": error,
    }


# --- Pages --------------------------------------------------------------------------


@require_GET
def conversation_list(request):
    conversations = list(selectors.public_conversations())
    return render(request, "opinions/list.html", {"conversations": conversations})


@require_GET
def conversation_detail(request, slug):
    conversation = _conversation(request, slug)
    identity = Identity(request, conversation)
    participant = identity.participant()
    context = _card_context(request, conversation, participant)
    statement_refusal = rules.statement_refusal(request.user, conversation)
    context.update(
        {
            "participant": participant,
            "statement_form": forms.StatementForm() if not statement_refusal else None,
            "statement_refusal": statement_refusal,
            "may_moderate": _may_moderate(request.user),
            "pending_count": Statement.objects.filter(
                conversation=conversation, state=Statement.State.PENDING
            ).count()
            if _may_moderate(request.user)
            else 0,
        }
    )
    return render(request, "opinions/detail.html", context)


def _vote_failed(request, conversation, statement, message: str, status: int, identity):
    if request.htmx:
        participant = identity.participant()
        context = _card_context(request, conversation, participant, error=message)
        return render(request, "opinions/_statement_card.html", context, status=status)
    return render(
        request,
        "opinions/statement.html",
        {
            **_statement_context(request, conversation, statement, identity),
            "error": message,
        },
        status=status,
    )


@require_POST
def vote(request, slug, number):
    conversation = _conversation(request, slug)
    statement = _statement(conversation, number)
    identity = Identity(request, conversation)
    if _needs_login(request, conversation):
        if request.htmx:
            response = render(
                request,
                "opinions/_statement_card.html",
                _card_context(request, conversation, None),
                status=403,
            )
            return response
        return redirect_to_login(conversation.get_absolute_url())
    refusal = rules.participation_refusal(request.user, conversation, doing=_("vote"))
    if refusal:
        return _vote_failed(request, conversation, statement, refusal, 403, identity)
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _vote_failed(request, conversation, statement, message, 400, identity)
    if statement.state != Statement.State.ACCEPTED or statement.is_hidden:
        return _vote_failed(
            request,
            conversation,
            statement,
            _("This statement is not open for votes."),
            400,
            identity,
        )
    participant = identity.participant(create=True)
    participant.conversation = conversation
    try:
        services.cast_vote(participant=participant, statement=statement, value=form.vote_value)
    except ValidationError as exc:
        return _vote_failed(request, conversation, statement, " ".join(exc.messages), 400, identity)
    except PermissionDenied as exc:
        return _vote_failed(request, conversation, statement, str(exc), 403, identity)
    choice = dict(form.fields["value"].choices)[form.cleaned_data["value"]]
    status = _("Your vote on statement %(number)s is recorded: %(choice)s.") % {
        "number": statement.number,
        "choice": choice,
    }
    if request.htmx and form.cleaned_data.get("next") != "my_votes":
        response = render(
            request,
            "opinions/_statement_card.html",
            _card_context(request, conversation, participant, status=status),
        )
        return identity.finish(response)
    messages.success(request, status)
    if form.cleaned_data.get("next") == "my_votes":
        response = redirect(
            reverse("opinions:my_votes", args=[conversation.slug]) + f"#statement-{number}"
        )
    else:
        response = redirect("opinions:detail", conversation.slug)
    return identity.finish(response)


@require_GET
def my_votes(request, slug):
    conversation = _conversation(request, slug)
    identity = Identity(request, conversation)
    participant = identity.participant()
    if participant is None and _needs_login(request, conversation):
        return redirect_to_login(request.get_full_path())
    votes = []
    if participant is not None:
        votes = list(
            Vote.objects.filter(participant=participant)
            .filter(statement__state=Statement.State.ACCEPTED, statement__is_hidden=False)
            .select_related("statement")
            .order_by("statement__number")
        )
    voted, total = selectors.progress(conversation, participant)
    return render(
        request,
        "opinions/my_votes.html",
        {
            "conversation": conversation,
            "votes": votes,
            "voted": voted,
            "total": total,
            "refusal": rules.participation_refusal(request.user, conversation, doing=_("vote")),
        },
    )


def _statement_context(request, conversation, statement, identity) -> dict:
    participant = identity.participant()
    is_author = participant is not None and statement.author_participant_id == participant.pk
    my_vote = None
    if participant is not None:
        my_vote = Vote.objects.filter(participant=participant, statement=statement).first()
    return {
        "conversation": conversation,
        "statement": statement,
        "shown": statement.state == Statement.State.ACCEPTED and not statement.is_hidden,
        "is_author": is_author,
        "counts": selectors.vote_counts(statement),
        "my_vote": VALUE_NAMES.get(my_vote.value) if my_vote else None,
        "refusal": rules.participation_refusal(request.user, conversation, doing=_("vote")),
        "needs_login": _needs_login(request, conversation),
        "login_url": _login_url(conversation),
    }


@require_GET
def statement_detail(request, slug, number):
    conversation = _conversation(request, slug)
    statement = _statement(conversation, number)
    identity = Identity(request, conversation)
    context = _statement_context(request, conversation, statement, identity)
    if (
        statement.state != Statement.State.ACCEPTED
        and not context["is_author"]
        and not _may_moderate(request.user)
    ):
        # Statements waiting for moderation (or rejected) are their author's
        # and the moderators' business only.
        raise Http404
    return render(request, "opinions/statement.html", context)


@require_http_methods(["GET", "POST"])
def submit(request, slug):
    conversation = _conversation(request, slug)
    if _needs_login(request, conversation):
        return redirect_to_login(request.get_full_path())
    identity = Identity(request, conversation)
    refusal = rules.statement_refusal(request.user, conversation)
    form = forms.StatementForm(request.POST or None)
    status = 200
    if refusal:
        status = 403
    elif request.method == "POST":
        if form.is_valid():
            participant = identity.participant(create=True)
            try:
                services.add_statement(
                    conversation=conversation,
                    text=form.cleaned_data["text"],
                    user=identity.user,
                    participant=participant,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                refusal = str(exc)
                status = 403
            else:
                if conversation.moderation == Conversation.Moderation.PRE:
                    messages.success(
                        request,
                        _(
                            "Thank you: your statement is waiting for moderation. "
                            "Others see it once a moderator accepts it."
                        ),
                    )
                else:
                    messages.success(
                        request, _("Thank you: your statement is shown to the others now.")
                    )
                return identity.finish(redirect("opinions:detail", conversation.slug))
        if status == 200:
            status = 400
    return identity.finish(
        render(
            request,
            "opinions/statement_form.html",
            {"conversation": conversation, "form": form, "refusal": refusal},
            status=status,
        )
    )


# --- Moderators ---------------------------------------------------------------------


def _moderator_conversation(request, slug) -> Conversation | None:
    conversation = _conversation(request, slug)
    if not _may_moderate(request.user):
        raise PermissionDenied(_("Only moderators decide on statements."))
    return conversation


def _moderate_page(request, conversation, *, forms_by_pk=None, status=200, error=""):
    pending = list(
        Statement.objects.filter(conversation=conversation, state=Statement.State.PENDING)
        .select_related("author")
        .order_by("created_at", "number")
    )
    for statement in pending:
        statement.form = (forms_by_pk or {}).get(statement.pk) or forms.ModerationForm(
            prefix=f"s{statement.number}"
        )
    recent = []
    if conversation.moderation == Conversation.Moderation.POST:
        recent = list(
            Statement.objects.shown()
            .filter(conversation=conversation, is_seed=False)
            .order_by("-created_at", "-number")[:50]
        )
    return render(
        request,
        "opinions/moderate.html",
        {"conversation": conversation, "pending": pending, "recent": recent, "error": error},
        status=status,
    )


@require_GET
def moderate(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    conversation = _moderator_conversation(request, slug)
    return _moderate_page(request, conversation)


@require_POST
def moderate_statement(request, slug, number):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("opinions:moderate", args=[slug]))
    conversation = _moderator_conversation(request, slug)
    statement = _statement(conversation, number)
    form = forms.ModerationForm(request.POST, prefix=f"s{statement.number}")
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                services.accept_statement(moderator=request.user, statement=statement)
                done = _("Statement %(number)s is accepted: participants see it now.")
            else:
                services.reject_statement(
                    moderator=request.user, statement=statement, reason=form.cleaned_data["reason"]
                )
                done = _("Statement %(number)s is rejected; its author is told why.")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done % {"number": statement.number})
            return redirect("opinions:moderate", conversation.slug)
    if statement.state != Statement.State.PENDING:
        # Decided already (by another moderator?): say so above the queue.
        error = " ".join(e for es in form.errors.values() for e in es)
        return _moderate_page(request, conversation, status=400, error=error)
    return _moderate_page(request, conversation, forms_by_pk={statement.pk: form}, status=400)
