"""Forms of the poll pages: the ballot per kind of poll, delegation, and the
managers' poll form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import DESCRIPTION_MAX, OPTION_MAX, OPTIONS_MAX, TITLE_MAX, Poll
from .services import PollInput


class BallotForm(forms.Form):
    """One choice (radios), approval (checkboxes) or ranks (a select per option)."""

    def __init__(self, *args, poll: Poll, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.options = list(poll.options.all())
        choices = [(str(o.pk), o.label) for o in self.options]
        if poll.kind == Poll.Kind.SINGLE:
            self.fields["choice"] = forms.ChoiceField(
                label=poll.title,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an option."),
                    "invalid_choice": _("Choose one of the options."),
                },
            )
        elif poll.kind == Poll.Kind.APPROVAL:
            self.fields["choices"] = forms.MultipleChoiceField(
                label=poll.title,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Choose at least one option."),
                    "invalid_choice": _("Choose among the options."),
                },
            )
        else:
            ranks = [("", _("Not ranked"))] + [(str(i), str(i)) for i in range(1, len(choices) + 1)]
            for option in self.options:
                self.fields[f"rank_{option.pk}"] = forms.ChoiceField(
                    label=option.label,
                    choices=ranks,
                    required=False,
                    error_messages={"invalid_choice": _("Choose a rank from the list.")},
                )

    def rank_fields(self):
        return [(option, self[f"rank_{option.pk}"]) for option in self.options]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if self.poll.kind == Poll.Kind.SINGLE:
            return {"choices": [int(data["choice"])]}
        if self.poll.kind == Poll.Kind.APPROVAL:
            return {"choices": [int(v) for v in data["choices"]]}
        return {
            "ranks": {
                option.pk: int(data[f"rank_{option.pk}"])
                for option in self.options
                if data.get(f"rank_{option.pk}")
            }
        }

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Put the service's reasons on the fields the error summary links to."""
        for messages in exc.message_dict.values():
            for message in messages:
                if self.poll.kind == Poll.Kind.SINGLE:
                    self.add_error("choice", message)
                elif self.poll.kind == Poll.Kind.APPROVAL:
                    self.add_error("choices", message)
                elif self.options:
                    self.add_error(f"rank_{self.options[0].pk}", message)
                else:
                    self.add_error(None, message)

    def initial_from(self, vote) -> None:
        if vote is None:
            return
        chosen = list(vote.choices.all())
        if self.poll.kind == Poll.Kind.SINGLE and chosen:
            self.initial["choice"] = str(chosen[0].option_id)
        elif self.poll.kind == Poll.Kind.APPROVAL:
            self.initial["choices"] = [str(c.option_id) for c in chosen]
        else:
            for c in chosen:
                self.initial[f"rank_{c.option_id}"] = str(c.rank)


class DelegateSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a participant by their display name"),
        min_length=2,
        max_length=80,
        required=False,
        help_text=_("At least 2 letters of the name they use on this website."),
        error_messages={"min_length": _("Type at least 2 letters.")},
    )


class DelegateForm(forms.Form):
    delegate = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("Choose a participant.")}
    )


class PollForm(forms.Form):
    title = forms.CharField(
        label=_("Question"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Write the question people vote on.")},
    )
    description = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of ballot"),
        choices=Poll.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of ballot.")},
    )
    max_choices = forms.IntegerField(
        label=_("Most options a voter may choose (approval only, optional)"),
        required=False,
        min_value=1,
        max_value=OPTIONS_MAX,
    )
    options = forms.CharField(
        label=_("Options, one a line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Between 2 and 30 options, each under 200 characters."),
        error_messages={"required": _("Give at least 2 options.")},
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Give the opening time."),
            "invalid": _("Give a date and time."),
        },
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Give the closing time."),
            "invalid": _("Give a date and time."),
        },
    )
    results_visibility = forms.ChoiceField(
        label=_("Results are shown"),
        choices=Poll.Results.choices,
        widget=forms.RadioSelect,
        initial=Poll.Results.AFTER_CLOSE,
    )

    @classmethod
    def initial_for(cls, poll: Poll) -> dict:
        return {
            "title": poll.title,
            "description": poll.description,
            "kind": poll.kind,
            "max_choices": poll.max_choices,
            "options": "\n".join(o.label for o in poll.options.all()),
            "opens_at": poll.opens_at,
            "closes_at": poll.closes_at,
            "results_visibility": poll.results_visibility,
        }

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > OPTION_MAX for line in lines):
            raise ValidationError(_("Keep each option under 200 characters."))
        return lines

    def to_input(self) -> PollInput:
        data = self.cleaned_data
        return PollInput(
            title=data["title"],
            description=data.get("description") or "",
            kind=data["kind"],
            max_choices=data.get("max_choices"),
            options=data["options"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            results_visibility=data["results_visibility"],
        )

    def apply_service_errors(self, exc: ValidationError) -> None:
        for name, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class VotingSettingsForm(forms.Form):
    delegation_enabled = forms.BooleanField(
        label=_("Participants may delegate their vote in this process"),
        required=False,
        help_text=_(
            "A participant may give their vote in this process's polls to another participant. "
            "A direct vote always overrides a delegation."
        ),
    )
