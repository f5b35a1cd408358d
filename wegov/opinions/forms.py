"""Forms of taking part: a vote, a new statement, a moderator's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import REJECTION_REASON_MAX, STATEMENT_MAX

VOTE_VALUES = {"agree": 1, "disagree": -1, "pass": 0}


class VoteForm(forms.Form):
    value = forms.ChoiceField(
        choices=[("agree", _("Agree")), ("disagree", _("Disagree")), ("pass", _("Pass / unsure"))],
        error_messages={
            "required": _("Choose agree, disagree or pass."),
            "invalid_choice": _("Choose agree, disagree or pass."),
        },
    )
    next = forms.ChoiceField(
        choices=[("detail", "detail"), ("my_votes", "my_votes")], required=False
    )

    @property
    def vote_value(self) -> int:
        return VOTE_VALUES[self.cleaned_data["value"]]


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"),
        help_text=_(
            "One short opinion others can agree or disagree with, at most %(limit)s characters. "
            "Write a new idea rather than a reply: others vote on it without seeing yours."
        )
        % {"limit": STATEMENT_MAX},
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write your statement."),
            "max_length": _("Use at most %(limit_value)d characters (you used %(show_value)d)."),
        },
    )

    def clean_text(self) -> str:
        return " ".join(self.cleaned_data["text"].split())


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        error_messages={
            "required": _("Choose to accept or reject the statement."),
            "invalid_choice": _("Choose to accept or reject the statement."),
        },
    )
    reason = forms.CharField(
        label=_("Reason for rejecting (shown to the author)"),
        max_length=REJECTION_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting the statement."))
        return data
