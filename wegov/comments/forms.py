from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Stance

VOTE_VALUES = {"up": 1, "down": -1, "none": 0}


class CommentForm(forms.Form):
    """A new comment, a reply or an edit. ``stances`` shows the stance radios
    (top-level comments on kinds that take a stance)."""

    body = forms.CharField(
        label=_("Your comment"),
        help_text=_(
            "Plain text, up to 2,000 characters. Mention someone with @ and their "
            "display name, for example @Anna Citizen."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,  # the service says what is wrong, with the text kept
        strip=False,
    )
    stance = forms.ChoiceField(
        label=_("Your position"),
        choices=Stance.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Stance.NEUTRAL,
    )

    def __init__(self, *args, stances: bool = False, body_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not stances:
            del self.fields["stance"]
        if body_label:
            self.fields["body"].label = body_label

    def apply(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names."""
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class TargetForm(forms.Form):
    """Which contribution a new comment is about (hidden fields of the form)."""

    kind = forms.CharField(max_length=40)
    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class VoteForm(forms.Form):
    value = forms.ChoiceField(choices=[(k, k) for k in VOTE_VALUES])

    @property
    def vote(self) -> int:
        return VOTE_VALUES[self.cleaned_data["value"]]
