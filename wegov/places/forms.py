from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AreaOfInterest, District
from .services import AreaOfInterestData


class AreaOfInterestForm(forms.Form):
    """A circle (centre typed, picked on the map, or a district's centre, and a
    radius) or a set of districts (checkboxes); works without JavaScript."""

    name = forms.CharField(
        label=_("Name of the area"),
        help_text=_("Only you see it, for example “Around my street” or “My children’s school”."),
        max_length=80,
        error_messages={"required": _("Give the area a name, for example “Around my street”.")},
    )
    kind = forms.ChoiceField(
        label=_("What kind of area?"),
        choices=AreaOfInterest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a circle or districts.")},
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        help_text=_("For whole districts: tick one or more."),
        queryset=District.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    center_lat = forms.FloatField(
        label=_("Latitude of the centre"),
        help_text=_("In decimal degrees, for example 52.1561."),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"invalid": _("Enter the latitude as a number, like 52.1561.")},
    )
    center_lon = forms.FloatField(
        label=_("Longitude of the centre"),
        help_text=_("In decimal degrees, for example 5.3878."),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"invalid": _("Enter the longitude as a number, like 5.3878.")},
    )
    center_district = forms.ModelChoiceField(
        label=_("Or centre the circle on a district"),
        help_text=_("Used when no latitude and longitude are given."),
        queryset=District.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("No, I gave the coordinates"),
    )
    radius_m = forms.IntegerField(
        label=_("Radius in metres"),
        help_text=_("Between 50 and 20,000 metres."),
        required=False,
        min_value=AreaOfInterest.MIN_RADIUS,
        max_value=AreaOfInterest.MAX_RADIUS,
        initial=500,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "invalid": _("Enter the radius as a whole number of metres."),
            "min_value": _("The radius must be at least 50 metres."),
            "max_value": _("The radius can be at most 20,000 metres."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].template_name = "forms/govuk_checkboxes.html"
        self.fields["districts"].label_from_instance = lambda d: d.name
        self.fields["center_district"].label_from_instance = lambda d: d.name

    @classmethod
    def initial_for(cls, area: AreaOfInterest) -> dict:
        return {
            "name": area.name,
            "kind": area.kind,
            "districts": [d.slug for d in area.districts.all()],
            "center_lat": area.center_lat,
            "center_lon": area.center_lon,
            "radius_m": area.radius_m or 500,
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") == AreaOfInterest.Kind.CIRCLE:
            lat, lon = data.get("center_lat"), data.get("center_lon")
            own_errors = "center_lat" in self.errors or "center_lon" in self.errors
            if (lat is None) != (lon is None) and not own_errors:
                self.add_error("center_lat", _("Enter both latitude and longitude, or neither."))
            elif lat is None and lon is None and not own_errors:
                district = data.get("center_district")
                if district is None:
                    self.add_error(
                        "center_lat",
                        _("Choose the centre: click the map, type it, or pick a district."),
                    )
                else:
                    from shapely.geometry import shape

                    point = shape(district.geometry).representative_point()
                    data["center_lat"], data["center_lon"] = round(point.y, 6), round(point.x, 6)
            if data.get("radius_m") is None and "radius_m" not in self.errors:
                self.add_error("radius_m", _("Give the radius of the circle in metres."))
        return data

    def to_data(self) -> AreaOfInterestData:
        data = self.cleaned_data
        circle = data["kind"] == AreaOfInterest.Kind.CIRCLE
        return AreaOfInterestData(
            name=data["name"],
            kind=data["kind"],
            center_lat=data.get("center_lat") if circle else None,
            center_lon=data.get("center_lon") if circle else None,
            radius_m=data.get("radius_m") if circle else None,
            districts=list(data.get("districts") or []) if not circle else [],
        )


# Service errors (keys) shown on these fields.
ERROR_FIELDS = {"center": "center_lat", "radius_m": "radius_m", "districts": "districts"}
