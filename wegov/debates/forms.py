"""Forms of the debate pages: open or change a debate, close it, filter the list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegov.places.models import District
from wegov.processes.models import Topic

from .models import CONCLUSION_MAX, DESCRIPTION_MAX, TITLE_MAX, Debate
from .selectors import DEFAULT_ORDER, DebateFilters


class DebateForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("The question to debate, for example: Should the market square be car-free?"),
        error_messages={
            "required": _("Give the debate a title."),
            "max_length": _("Use at most %(limit_value)d characters (you used %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("What is the debate about?"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Explain the question and what is at stake, so people can argue for or against. "
            "Plain text, at most 5000 characters."
        ),
        error_messages={
            "required": _("Describe what the debate is about."),
            "max_length": _("Use at most %(limit_value)d characters (you used %(show_value)d)."),
        },
    )
    topic = forms.ModelChoiceField(
        label=_("Topic (optional)"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        empty_label=_("No particular topic"),
        error_messages={"invalid_choice": _("Choose one of the listed topics.")},
    )
    district = forms.ModelChoiceField(
        label=_("District (optional)"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("The whole city"),
        error_messages={"invalid_choice": _("Choose one of the listed districts.")},
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        if process.district_id is not None:
            # A district process: its debates are about that district.
            del self.fields["district"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "topic": data.get("topic"),
            "district": data.get("district"),
        }


class CloseForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        max_length=CONCLUSION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What came out of the debate, and what happens next. It is published at the top "
            "of the debate's page, and the people following the debate are told."
        ),
        error_messages={
            "required": _("Write the conclusion: a debate is closed with a published conclusion."),
            "max_length": _("Use at most %(limit_value)d characters (you used %(show_value)d)."),
        },
    )


STATE_CHOICES = [("", _("All")), *Debate.State.choices]
ORDER_CHOICES = [("newest", _("Newest")), ("most_commented", _("Most arguments"))]


class DebateFilterForm(forms.Form):
    """The filters of the debate list (a GET form; works without JavaScript)."""

    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)

    def __init__(self, *args, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        topics = Topic.objects.all() if topics is None else topics
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *topics.order_by("name").values_list("slug", "name"),
        ]

    def filters(self) -> DebateFilters:
        """The valid part of the filters (an invalid one is shown and ignored)."""
        if not self.is_bound:
            return DebateFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return DebateFilters(
            state=data.get("state") or "",
            topic=data.get("topic") or "",
            order=data.get("order") or DEFAULT_ORDER,
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in ("state", "topic"))
