from django import forms
from django.utils.translation import gettext_lazy as _

from wegov.core import registry

from .models import APPEAL_MAX, DETAILS_MAX, NOTE_MAX, NOTICE_MAX, PUBLIC_REASON_MAX, Reason
from .selectors import QUEUE_ORDERS, STATE_FILTERS

TOO_LONG = _("Use at most %(limit_value)d characters (you wrote %(show_value)d).")


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting this.")},
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        help_text=_("What should the moderators look at? Required if you chose “Something else”."),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "flag-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("reason") == Reason.OTHER and not data.get("details", "").strip():
            self.add_error("details", _("Tell the moderators what is wrong."))
        return data


class HideForm(forms.Form):
    public_reason = forms.CharField(
        label=_("Reason shown to the public"),
        help_text=_(
            "Shown in place of the content, and sent to its author. "
            "Name the rule it breaks; no personal data."
        ),
        max_length=PUBLIC_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Give the reason the public will see instead of it."),
            "max_length": TOO_LONG,
        },
    )
    internal_note = forms.CharField(
        label=_("Note for moderators (optional)"),
        help_text=_("Only moderators see it."),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "hide-%s")
        super().__init__(*args, **kwargs)


class RestoreForm(forms.Form):
    note = forms.CharField(
        label=_("Note for moderators (optional)"),
        help_text=_("Why it may stay. Only moderators see it."),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "restore-%s")
        super().__init__(*args, **kwargs)


class BlockForm(forms.Form):
    notice = forms.CharField(
        label=_("Notice to the person"),
        help_text=_(
            "Emailed to them and shown when they log in, with how to appeal. "
            "Say which rule they broke and how."
        ),
        max_length=NOTICE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write the notice the person gets: which rule, and why."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "block-%s")
        super().__init__(*args, **kwargs)


class UnblockForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the block be lifted?"),
        help_text=_("A moderator who did not block you reads it and answers by email."),
        max_length=APPEAL_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Explain why the block should be lifted."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "appeal-%s")
        super().__init__(*args, **kwargs)


class DecideAppealForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("lift", _("Lift the block")), ("uphold", _("Keep the block"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to lift the block.")},
    )
    response = forms.CharField(
        label=_("Answer to the person"),
        help_text=_("Emailed to them."),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write the answer the person gets."),
            "max_length": TOO_LONG,
        },
    )


def _kind_choices():
    return [("", _("All kinds"))] + [(k.kind, k.label) for k in registry.kinds()]


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_kind_choices)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=list(
            zip(
                STATE_FILTERS,
                [
                    _("Waiting or hidden"),
                    _("Waiting for review"),
                    _("Hidden"),
                    _("Restored"),
                    _("All"),
                ],
                strict=True,
            )
        ),
    )
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=list(
            zip(
                QUEUE_ORDERS,
                [
                    _("Queue order (hidden by flags, most flagged)"),
                    _("Quality score, lowest first"),
                ],
                strict=True,
            )
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
