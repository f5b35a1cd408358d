"""Forms of the process pages: the public list's filters and the managers' forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wegov.accounts.models import Organisation
from wegov.places.models import District

from .models import PhaseKind, Process
from .selectors import CITY_WIDE, ProcessFilters, topics
from .services import MAX_EDIT_MINUTES, PhaseInput, ProcessInput

STATUS_CHOICES = [
    ("", _("All")),
    ("active", _("Running now")),
    ("upcoming", _("Upcoming")),
    ("past", _("Finished")),
]

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter a date like 2026-05-01.")}


class ProcessFilterForm(forms.Form):
    """The filters of the process list (a GET form)."""

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [
            ("", _("All districts")),
            (CITY_WIDE, _("Whole city")),
            *District.objects.order_by("name").values_list("slug", "name"),
        ]
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *topics().values_list("slug", "name"),
        ]

    def filters(self) -> ProcessFilters:
        """The valid part of the filters (an invalid filter is shown and ignored)."""
        if not self.is_bound:
            return ProcessFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ProcessFilters(
            status=data.get("status") or "",
            district=data.get("district") or "",
            topic=data.get("topic") or "",
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class ProcessForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        error_messages={"required": _("Give the process a title.")},
    )
    slug = forms.CharField(
        label=_("Short name in the address"),
        max_length=80,
        help_text=_(
            "Lowercase letters, numbers and hyphens, like car-free-centre: "
            "the page will be /processes/car-free-centre/."
        ),
        error_messages={
            "required": _("Give the process a short name for its address, like car-free-centre.")
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One or two sentences, shown in lists. At most 300 characters."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Summarise the process in a sentence or two.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20_000,
        help_text=_(
            "Plain text (leave a blank line between paragraphs) or simple HTML: paragraphs, "
            "bold, italics, links, lists and headings h2 to h4. Anything else is removed."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Describe the process: what it is about and what happens.")},
    )
    hero_image = forms.FileField(
        label=_("Image (optional)"),
        required=False,
        help_text=_(
            "A JPEG, PNG, WebP or GIF of at most 10 MB, shown at the top of the page. "
            "We remove the location and camera data from it."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_hero_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    hero_image_alt = forms.CharField(
        label=_("Description of the image"),
        max_length=200,
        required=False,
        help_text=_(
            "What the image shows, for people who cannot see it. Needed when there is an image."
        ),
    )
    scope = forms.ChoiceField(
        label=_("Who is the process for?"),
        choices=Process.Scope.choices,
        initial=Process.Scope.CITY,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether the process is for the whole city or one district.")
        },
    )
    district = forms.ModelChoiceField(
        label=_("District (for a process in one district)"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("Choose a district"),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic (optional)"),
        queryset=topics(),
        required=False,
        empty_label=_("No topic"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Choose an organisation"),
        help_text=_("Its staff answer the proposals and are told when one qualifies."),
        error_messages={"required": _("Choose the organisation that answers the proposals.")},
    )
    support_threshold = forms.IntegerField(
        label=_("Supports needed to qualify"),
        min_value=1,
        max_value=1_000_000,
        initial=100,
        help_text=_("A proposal with this many supports qualifies for an official answer."),
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": _("Enter the number of supports needed to qualify.")},
    )
    supports_require_residence = forms.BooleanField(
        label=_("Only verified residents may support proposals"), required=False
    )
    citizens_may_open_debates = forms.BooleanField(
        label=_("Citizens may open debates in the debate phase"), required=False
    )
    proposal_edit_minutes = forms.IntegerField(
        label=_("Minutes an author may edit a proposal after submitting it"),
        min_value=0,
        max_value=MAX_EDIT_MINUTES,
        initial=60 * 24,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": _("Enter a number of minutes (0 for no editing).")},
    )

    def __init__(self, *args, process: Process | None = None, **kwargs):
        if process is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(process)
        super().__init__(*args, **kwargs)
        self.process = process
        if process is None or not process.hero_image:
            del self.fields["remove_hero_image"]

    def clean(self):
        data = super().clean()
        if data.get("scope") == Process.Scope.DISTRICT and not data.get("district"):
            self.add_error("district", _("Choose the district of the process."))
        return data

    def to_input(self) -> ProcessInput:
        data = self.cleaned_data
        return ProcessInput(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            description=data["description"],
            organisation=data["organisation"],
            scope=data["scope"],
            district=data.get("district"),
            topic=data.get("topic"),
            hero_image=data.get("hero_image") or None,
            remove_hero_image=bool(data.get("remove_hero_image")),
            hero_image_alt=data.get("hero_image_alt", ""),
            support_threshold=data["support_threshold"],
            supports_require_residence=data["supports_require_residence"],
            citizens_may_open_debates=data["citizens_may_open_debates"],
            proposal_edit_minutes=data["proposal_edit_minutes"],
        )


def initial_for(process: Process) -> dict:
    return {
        "title": process.title,
        "slug": process.slug,
        "summary": process.summary,
        "description": process.description,
        "hero_image_alt": process.hero_image_alt,
        "scope": process.scope,
        "district": process.district_id,
        "topic": process.topic_id,
        "organisation": process.organisation_id,
        "support_threshold": process.support_threshold,
        "supports_require_residence": process.supports_require_residence,
        "citizens_may_open_debates": process.citizens_may_open_debates,
        "proposal_edit_minutes": process.proposal_edit_minutes,
    }


# --- Phases ------------------------------------------------------------------------


class PhaseForm(forms.Form):
    """One row of the phases form. A row left empty is ignored; ticking
    "Remove" deletes the phase."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Kind of phase"),
        choices=[("", _("Choose a kind")), *PhaseKind.choices],
        required=False,
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to use the kind's name."),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    ends_on = forms.DateField(
        label=_("Ends on (inclusive)"),
        required=False,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    description = forms.CharField(
        label=_("What happens in this phase (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if self.is_empty_row or data.get("DELETE"):
            return data
        if not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", _("Choose what kind of phase it is."))
        if not data.get("starts_on") and "starts_on" not in self.errors:
            self.add_error("starts_on", _("Enter the date the phase starts."))
        if not data.get("ends_on") and "ends_on" not in self.errors:
            self.add_error("ends_on", _("Enter the date the phase ends."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The phase must end on or after the day it starts."))
        return data

    @property
    def is_empty_row(self) -> bool:
        """A row with nothing typed in (an unused extra row)."""
        fields = ("kind", "title", "starts_on", "ends_on", "description")
        return not self.data.get(self.add_prefix("id")) and not any(
            (self.data.get(self.add_prefix(name)) or "").strip() for name in fields
        )

    def to_input(self) -> PhaseInput:
        data = self.cleaned_data
        return PhaseInput(
            id=data.get("id"),
            kind=data["kind"],
            title=data.get("title", ""),
            description=data.get("description", ""),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )


class BasePhaseFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this phase")

    def phases(self) -> list[PhaseInput]:
        return [
            form.to_input()
            for form in self.forms
            if not form.is_empty_row and not form.cleaned_data.get("DELETE")
        ]


# Three empty rows to fill in without JavaScript; save to get three more.
PhaseFormSet = forms.formset_factory(
    PhaseForm,
    formset=BasePhaseFormSet,
    extra=3,
    can_delete=True,
    can_delete_extra=False,
    max_num=12,
    validate_max=True,
)


def phase_initial(process: Process) -> list[dict]:
    return [
        {
            "id": phase.pk,
            "kind": phase.kind,
            "title": phase.title,
            "starts_on": phase.starts_on,
            "ends_on": phase.ends_on,
            "description": phase.description,
        }
        for phase in process.phases.all()
    ]
