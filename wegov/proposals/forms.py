"""Forms of the proposal pages. They parse and give early messages; the services
check everything again (and are what the API uses)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wegov.core.forms import latitude_field, longitude_field
from wegov.places import geocoding
from wegov.places.models import District
from wegov.processes.models import Process, Topic

from . import services
from .attachments import MAX_ATTACHMENTS
from .models import BODY_MAX, TITLE_MAX, Proposal
from .selectors import ORDERINGS, ProposalFilters

PLAIN_TEXT_HINT = _("Plain text; HTML is not allowed.")


class TopicField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProposalForm(forms.Form):
    """Title, text, category and (optionally) the place of a proposal."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("Say what you propose in one line, for example: A car-free market square."),
        error_messages={
            "required": _("Give your proposal a title."),
            "max_length": _("The title can be at most %(limit_value)d characters."),
        },
    )
    body = forms.CharField(
        label=_("Your proposal"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What should change, why, and who would benefit? At most 5,000 characters. "
            "Plain text; HTML is not allowed."
        ),
        error_messages={
            "required": _("Describe your proposal."),
            "max_length": _("The proposal can be at most %(limit_value)d characters."),
        },
    )
    topic = TopicField(
        label=_("Category (optional)"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        empty_label=_("No category"),
        error_messages={"invalid_choice": _("Choose one of the listed categories.")},
    )
    district = forms.ChoiceField(
        label=_("District (optional)"),
        required=False,
        help_text=_("If you give a place below, its district is used."),
    )
    lat = latitude_field()
    lon = longitude_field()
    address = forms.CharField(
        label=_("Address or description of the place (optional)"),
        required=False,
        max_length=250,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.districts = {d.slug: d for d in District.objects.order_by("name")}
        if process.scope == Process.Scope.DISTRICT:
            del self.fields["district"]
        else:
            self.fields["district"].choices = [
                ("", _("Whole city / no district")),
                *((slug, d.name) for slug, d in self.districts.items()),
            ]

    def _plain(self, name):
        value = self.cleaned_data.get(name, "")
        if value and not services.is_plain_text(value):
            raise ValidationError(services.HTML_MESSAGE)
        return value

    def clean_title(self):
        return self._plain("title")

    def clean_body(self):
        return self._plain("body")

    def clean_address(self):
        return self._plain("address")

    def clean_district(self):
        slug = self.cleaned_data.get("district")
        return self.districts.get(slug) if slug else None

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if "lat" not in self.errors and "lon" not in self.errors and (lat is None) != (lon is None):
            self.add_error("lat", _("Give both latitude and longitude, or neither."))
        return data

    def data_for_service(self) -> services.ProposalData:
        d = self.cleaned_data
        lat, lon, address = d.get("lat"), d.get("lon"), d.get("address", "")
        if not address and lat is not None and lon is not None:
            # A point without words: name it by the nearest address or street, as
            # reports do, so lists and the map's popups say where it is.
            nearest = geocoding.reverse(lat, lon)
            address = nearest.label if nearest else ""
        return services.ProposalData(
            title=d["title"],
            body=d["body"],
            topic=d.get("topic"),
            district=d.get("district"),
            lat=lat,
            lon=lon,
            address=address,
        )


class AttachmentForm(forms.Form):
    """One attachment (file and title) added on the last step or when editing."""

    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_(
            "A PDF, JPEG or PNG file of at most 10 MB. We remove location and camera data "
            "from images."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    attachment_title = forms.CharField(
        label=_("Title of the attachment"),
        required=False,
        max_length=150,
        help_text=_("For example: Sketch of the new square."),
    )

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = list(existing)
        if self.existing:
            self.fields["remove_attachments"] = forms.MultipleChoiceField(
                label=_("Remove attachments"),
                required=False,
                choices=[(str(a.pk), a.title) for a in self.existing],
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["remove_attachments"].template_name = "forms/govuk_checkboxes.html"

    def clean(self):
        data = super().clean()
        if data.get("attachment") and not (data.get("attachment_title") or "").strip():
            self.add_error("attachment_title", _("Give the attachment a title."))
        removing = len(data.get("remove_attachments") or [])
        if data.get("attachment") and len(self.existing) - removing >= MAX_ATTACHMENTS:
            self.add_error(
                "attachment",
                _("A proposal can have at most %(max)s attachments.") % {"max": MAX_ATTACHMENTS},
            )
        return data

    def new_attachments(self) -> list[services.NewAttachment]:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return []
        return [services.NewAttachment(file=upload, title=self.cleaned_data["attachment_title"])]

    def removed(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("remove_attachments") or []]


ORDER_LABELS = {
    "random": _("Random"),
    "supported": _("Most supported"),
    "commented": _("Most commented"),
    "newest": _("Newest"),
    "relevance": _("Best match"),
}


class ProposalFilterForm(forms.Form):
    """The list's search, filters and ordering (a GET form; bad values are ignored)."""

    q = forms.CharField(label=_("Search proposals"), required=False, max_length=200)
    order = forms.ChoiceField(label=_("Order"), required=False)
    topic = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    answer_state = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=[("", _("Any")), *Proposal.AnswerState.choices],
    )
    withdrawn = forms.BooleanField(label=_("Show only withdrawn proposals"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [
            (value, ORDER_LABELS[value]) for value in (*ORDERINGS, "relevance")
        ]
        self.fields["topic"].choices = [
            ("", _("All categories")),
            *Topic.objects.order_by("name").values_list("slug", "name"),
        ]
        self.fields["district"].choices = [
            ("", _("All districts")),
            *District.objects.order_by("name").values_list("slug", "name"),
        ]

    def valid_data(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}

    def filters(self) -> ProposalFilters:
        data = self.valid_data()
        return ProposalFilters(
            topic=data.get("topic") or "",
            district=data.get("district") or "",
            answer_state=data.get("answer_state") or "",
            withdrawn=bool(data.get("withdrawn")),
            q=(data.get("q") or "").strip(),
        )

    def ordering(self) -> str:
        data = self.valid_data()
        order = data.get("order") or ""
        searching = bool((data.get("q") or "").strip())
        if not order or (order == "relevance" and not searching):
            return "relevance" if searching else "random"
        return order


class SimilarQueryForm(forms.Form):
    title = forms.CharField(required=False, max_length=TITLE_MAX + 50)
    body = forms.CharField(required=False, max_length=BODY_MAX + 200)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person to invite"),
        max_length=254,
        help_text=_("They need a WeGov account with this address. We never show it to anyone."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the email address of the person to invite."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )


class AnswerForm(forms.Form):
    answer_state = forms.ChoiceField(
        label=_("Answer"),
        choices=[(s.value, s.label) for s in services.ANSWER_STATES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose accepted, being evaluated or rejected.")},
    )
    answer_text = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=services.ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Required when accepting or rejecting. Published on the proposal and sent to "
            "its authors. Plain text."
        ),
    )


def apply_service_errors(error: ValidationError, forms_list: list[forms.Form]) -> None:
    """Put a service's ValidationError on the fields it names (or the form)."""
    aliases = {"location": "lat"}
    if not hasattr(error, "error_dict"):
        forms_list[0].add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        name = aliases.get(key, key)
        for form in forms_list:
            if name in form.fields:
                form.add_error(name, messages)
                break
        else:
            forms_list[0].add_error(None, messages)
