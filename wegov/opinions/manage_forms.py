"""The organisers' conversation form: settings and seed statements, one a line."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wegov.processes.models import Process

from . import manage_selectors
from .manage_services import MIN_VOTES_RANGE, ConversationInput
from .models import DESCRIPTION_MAX, STATEMENT_MAX, TOPIC_MAX, Conversation
from .services import normalised

SEED_LINES_MAX = 100  # statements added in one go


class ConversationForm(forms.Form):
    topic = forms.CharField(
        label=_("Topic"),
        max_length=TOPIC_MAX,
        help_text=_("The question people give their opinions on, like “A car-free city centre?”."),
        error_messages={
            "required": _("Write the topic of the conversation."),
            "max_length": _("The topic can be at most %(limit_value)d characters."),
        },
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is decided, by whom, and what happens with the results."),
        error_messages={
            "max_length": _("The description can be at most %(limit_value)d characters.")
        },
    )
    process = forms.ModelChoiceField(
        label=_("Process (optional)"),
        queryset=Process.objects.order_by("title"),
        required=False,
        empty_label=_("Not part of a process"),
        help_text=_(
            "The conversation is listed on the process page, and public only while the "
            "process is published."
        ),
        error_messages={"invalid_choice": _("Choose a process from the list.")},
    )
    allow_anonymous = forms.BooleanField(
        label=_("People may take part without an account"),
        required=False,
        help_text=_("Anonymous participants are told apart by a cookie in their browser."),
    )
    allow_statements = forms.BooleanField(
        label=_("Participants may add their own statements"), required=False, initial=True
    )
    moderation = forms.ChoiceField(
        label=_("Participants' statements are moderated"),
        choices=Conversation.Moderation.choices,
        widget=forms.RadioSelect,
        initial=Conversation.Moderation.PRE,
        error_messages={
            "required": _("Choose when participants' statements are moderated."),
            "invalid_choice": _("Choose when participants' statements are moderated."),
        },
    )
    min_votes = forms.IntegerField(
        label=_("Votes needed to be placed in an opinion group"),
        min_value=MIN_VOTES_RANGE[0],
        max_value=MIN_VOTES_RANGE[1],
        initial=7,
        help_text=_("Pol.is uses 7 (or every statement, when there are fewer)."),
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": _("Enter the number of votes needed, like 7."),
            "invalid": _("Enter the number of votes as a whole number, like 7."),
            "min_value": _("Enter a number of votes from 1 to 100."),
            "max_value": _("Enter a number of votes from 1 to 100."),
        },
    )
    seed_statements = forms.CharField(
        label=_("Seed statements, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Short statements people agree or disagree with, at most 280 characters each. "
            "They are shown at once, without moderation. Statements cannot be changed once "
            "people vote on them."
        ),
    )

    def __init__(self, *args, conversation: Conversation | None = None, **kwargs):
        self.conversation = conversation
        if conversation is not None:
            kwargs.setdefault("initial", self.initial_for(conversation))
        super().__init__(*args, **kwargs)
        if conversation is not None:
            self.fields["seed_statements"].label = _("Add seed statements, one a line")

    @staticmethod
    def initial_for(conversation: Conversation) -> dict:
        return {
            "topic": conversation.topic,
            "description": conversation.description,
            "process": conversation.process_id,
            "allow_anonymous": conversation.allow_anonymous,
            "allow_statements": conversation.allow_statements,
            "moderation": conversation.moderation,
            "min_votes": conversation.min_votes,
        }

    def clean_seed_statements(self) -> list[str]:
        """The statements, one a line; each problem names its line as typed
        (blank lines count, so the number matches what the organiser sees)."""
        raw = self.cleaned_data.get("seed_statements") or ""
        known = manage_selectors.existing_texts(self.conversation) if self.conversation else {}
        seen: dict[str, int] = {}
        texts: list[str] = []
        errors: list[str] = []
        for line_number, line in enumerate(raw.splitlines(), start=1):
            text = " ".join(line.split())
            if not text:
                continue
            key = normalised(text)
            if len(text) > STATEMENT_MAX:
                errors.append(
                    ngettext(
                        "Line %(line)d is %(length)d characters long: shorten it to "
                        "%(max)d characters or fewer (%(over)d character too many).",
                        "Line %(line)d is %(length)d characters long: shorten it to "
                        "%(max)d characters or fewer (%(over)d characters too many).",
                        len(text) - STATEMENT_MAX,
                    )
                    % {
                        "line": line_number,
                        "length": len(text),
                        "max": STATEMENT_MAX,
                        "over": len(text) - STATEMENT_MAX,
                    }
                )
            elif key in seen:
                errors.append(
                    _("Line %(line)d repeats line %(first)d.")
                    % {"line": line_number, "first": seen[key]}
                )
            elif key in known:
                errors.append(
                    _("Line %(line)d is already statement %(number)d of this conversation.")
                    % {"line": line_number, "number": known[key]}
                )
            seen.setdefault(key, line_number)
            texts.append(text)
        if len(texts) > SEED_LINES_MAX:
            errors.append(
                _("Add at most %(max)d statements at a time; this has %(count)d.")
                % {"max": SEED_LINES_MAX, "count": len(texts)}
            )
        if errors:
            raise ValidationError(errors)
        return texts

    def to_input(self) -> ConversationInput:
        data = self.cleaned_data
        return ConversationInput(
            topic=data["topic"],
            description=data.get("description") or "",
            process=data.get("process"),
            allow_anonymous=data.get("allow_anonymous", False),
            allow_statements=data.get("allow_statements", False),
            moderation=data["moderation"],
            min_votes=data["min_votes"],
        )
