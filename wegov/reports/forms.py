"""Forms of the citizen pages: reporting a problem, browsing, following a report."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.forms import COORDINATE_ATTRS, latitude_field, longitude_field
from wegov.places import geocoding
from wegov.places.models import District
from wegov.places.selectors import is_inside_city

from .models import Category, ServiceAttribute, Status
from .selectors import ReportFilters

# A single-choice question shows radios up to this many options, a select above.
MAX_RADIOS = 6


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>: cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CategoryField(forms.ChoiceField):
    """Categories by service code, grouped in <optgroup>s; cleans to a Category."""

    def __init__(self, *, empty_label, **kwargs):
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.categories: dict[str, Category] = {}

    def set_categories(self, categories) -> None:
        self.categories = {c.service_code: c for c in categories}
        ungrouped, groups = [], {}
        for category in self.categories.values():
            option = (category.service_code, category.name)
            if category.group:
                groups.setdefault(category.group, []).append(option)
            else:
                ungrouped.append(option)
        self.choices = [("", self.empty_label), *ungrouped, *groups.items()]

    def clean(self, value):
        value = super().clean(value)
        return self.categories.get(value) if value else None


def active_categories():
    return Category.objects.filter(is_active=True).order_by("group", "order", "name")


def geocode_typed_address(data):
    """No coordinates but an address: look the address up (when a geocoder is
    configured) and fill in the coordinates as if they had been typed.

    Returns the (possibly copied) form data and what was found, or None.
    """
    if data.get("lat", "").strip() or data.get("lon", "").strip():
        return data, None
    address = data.get("address", "").strip()
    if not address:
        return data, None
    found = geocoding.geocode(address, limit=1)
    if not found:
        return data, None
    data = data.copy()
    data["lat"] = f"{found[0].lat:.6f}"
    data["lon"] = f"{found[0].lon:.6f}"
    return data, found[0]


class ReportStartForm(forms.Form):
    """Step 1: where the problem is, what kind it is, what it is."""

    lat = latitude_field(required=True)
    lon = longitude_field(required=True)
    address = forms.CharField(
        label=_("Address or description of the place (optional)"),
        required=False,
        max_length=250,
        help_text=_("For example: in front of Kerkstraat 12, near the bus stop."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = CategoryField(
        label=_("What kind of problem is it?"),
        empty_label=_("Choose a category"),
        error_messages={"required": _("Choose what kind of problem it is.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("A few words, for example: Deep pothole in the cycle path."),
        error_messages={"required": _("Give the problem a short title.")},
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong, and since when? Do not include personal details."),
        error_messages={"required": _("Describe the problem.")},
    )
    # Set once the citizen has seen the warnings about the place (on water, in a
    # building, no street lamp near...) and chose to go on; carried as hidden.
    place_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.needs_login = False
        self.fields["category"].set_categories(active_categories())
        self.geocoded = None
        if self.is_bound:
            self._geocode_address()

    def _geocode_address(self) -> None:
        self.data, self.geocoded = geocode_typed_address(self.data)

    def clean(self):
        # Early answers to what the service checks again on submission, so
        # that nobody writes out the details of a report that cannot be made.
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        typed = self.data.get("lat", "").strip() or self.data.get("lon", "").strip()
        if not typed and data.get("address") and geocoding.is_available():
            self.add_error(
                "address",
                _(
                    "We could not find this address. Choose the place on the map, "
                    "or type its coordinates."
                ),
            )
        if lat is not None and lon is not None and not is_inside_city(lat, lon):
            self.add_error(
                "lat",
                _(
                    "This place is outside the city. "
                    "Reports can only be made inside the city boundary."
                ),
            )
        category = data.get("category")
        signed_in = self.user is not None and self.user.is_authenticated
        if category is not None and not signed_in and not category.allows_anonymous:
            self.needs_login = True
            self.add_error("category", _("Log in to report this kind of problem."))
        return data

    @property
    def text(self) -> str:
        """The words the duplicate search compares."""
        data = getattr(self, "cleaned_data", {})
        return f"{data.get('title', '')} {data.get('description', '')}".strip()


def _attribute_field(attribute: ServiceAttribute) -> forms.Field:
    label = attribute.description
    if not attribute.required:
        label = _("%(question)s (optional)") % {"question": label}
    common = {"label": label, "required": False, "help_text": attribute.datatype_description}
    kind = ServiceAttribute.Datatype
    choices = [(str(v["key"]), v.get("name") or str(v["key"])) for v in attribute.values]
    if attribute.datatype == kind.MULTIVALUELIST:
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
        field.template_name = "forms/govuk_checkboxes.html"
        return field
    if attribute.datatype == kind.SINGLEVALUELIST:
        if len(choices) <= MAX_RADIOS:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", _("Choose")), *choices], **common)
    if attribute.datatype == kind.TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if attribute.datatype == kind.NUMBER:
        widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"})
        return forms.CharField(max_length=40, widget=widget, **common)
    if attribute.datatype == kind.DATETIME:
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.CharField(max_length=40, widget=widget, **common)
    return forms.CharField(max_length=250, **common)


ATTRIBUTE_PREFIX = "attr_"


class ReportDetailsForm(forms.Form):
    """Step 2: the category's questions, photos, and who is reporting."""

    photos = MultipleFileField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_(
            "Up to 3 photos: JPEG, PNG, WebP or GIF, at most 10 MB each. "
            "We remove the location and camera data from them."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    def __init__(self, *args, category: Category, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.attribute_fields = []
        for attribute in category.attributes.filter(variable=True):
            name = ATTRIBUTE_PREFIX + attribute.code
            self.fields[name] = _attribute_field(attribute)
            self.attribute_fields.append(name)
        if user.is_authenticated:
            self.fields["shown_as"] = forms.ChoiceField(
                label=_("How should your report be shown?"),
                choices=[
                    ("name", _("With my name: %(name)s") % {"name": user.public_name}),
                    ("anonymous", _("Anonymously")),
                ],
                initial="name",
                widget=forms.RadioSelect,
                help_text=_("The city's staff always see who reported it."),
            )
        else:
            self.fields["email"] = forms.EmailField(
                label=_("Your email address"),
                max_length=254,
                help_text=_(
                    "We email you when the status of your report changes. "
                    "Your email address is never shown."
                ),
                widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
                error_messages={
                    "required": _("Enter your email address, so we can tell you what happens."),
                    "invalid": _("Enter an email address like name@example.org."),
                },
            )

    @property
    def attribute_bound_fields(self):
        return [self[name] for name in self.attribute_fields]

    @property
    def other_bound_fields(self):
        return [self[name] for name in self.fields if name not in self.attribute_fields]

    def attributes(self) -> dict:
        return {
            name.removeprefix(ATTRIBUTE_PREFIX): self.cleaned_data.get(name)
            for name in self.attribute_fields
        }

    def anonymous(self) -> bool:
        return self.cleaned_data.get("shown_as") == "anonymous"


STATUS_FILTERS = [
    ("", _("All")),
    ("open", _("Open")),
    ("closed", _("Closed")),
    *Status.choices,
]


class ReportFilterForm(forms.Form):
    """The filters of the report list (a GET form)."""

    category = CategoryField(label=_("Category"), empty_label=_("All categories"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTERS, required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    start = forms.DateField(
        label=_("Reported from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2026-05-01.")},
    )
    end = forms.DateField(
        label=_("Reported until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date like 2026-05-31.")},
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs=COORDINATE_ATTRS),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs=COORDINATE_ATTRS),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_categories(Category.objects.order_by("group", "order", "name"))
        self.fields["district"].choices = [
            ("", _("All districts")),
            *District.objects.order_by("name").values_list("slug", "name"),
        ]

    def clean(self):
        data = super().clean()
        own_errors = "lat" in self.errors or "lon" in self.errors
        if (data.get("lat") is None) != (data.get("lon") is None) and not own_errors:
            self.add_error("lat", _("Enter both latitude and longitude, or neither."))
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data

    def filters(self) -> ReportFilters:
        """The valid part of the filters (an invalid filter is shown and ignored)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        zone = timezone.get_current_timezone()
        start, end = data.get("start"), data.get("end")
        category = data.get("category")
        lat, lon = data.get("lat"), data.get("lon")
        return ReportFilters(
            category=category.service_code if category else "",
            status=data.get("status") or "",
            district=data.get("district") or "",
            start=dt.datetime.combine(start, dt.time.min, zone) if start else None,
            end=dt.datetime.combine(end, dt.time.max, zone) if end else None,
            near=(lat, lon) if lat is not None and lon is not None else None,
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class DuplicateQueryForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)
    category = forms.SlugField(required=False, max_length=40)
    text = forms.CharField(required=False, max_length=5200)

    def clean_category(self):
        code = self.cleaned_data["category"]
        return Category.objects.filter(service_code=code).first() if code else None


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We email you when the status changes. Your address is never shown."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )


def apply_service_errors(error: ValidationError, forms_by_field: list[forms.Form]) -> None:
    """Put a service's ValidationError on the form fields it names.

    The service keys errors by field (``location`` is the latitude/longitude
    pair, attribute codes are the category's questions); an error without a
    key comes from a photo.
    """
    aliases = {"location": "lat"}
    if not hasattr(error, "error_dict"):
        target = next((f for f in forms_by_field if "photos" in f.fields), forms_by_field[0])
        target.add_error("photos" if "photos" in target.fields else None, error.messages)
        return
    for key, errors in error.message_dict.items():
        name = aliases.get(key, key)
        for form in forms_by_field:
            for candidate in (name, ATTRIBUTE_PREFIX + name):
                if candidate in form.fields:
                    form.add_error(candidate, errors)
                    break
            else:
                continue
            break
        else:
            forms_by_field[0].add_error(None, errors)
