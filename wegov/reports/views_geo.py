"""The reports map's data: GET /reports/map.geojson (public, cacheable)."""

import datetime as dt
import re

from django import forms
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import geo
from .models import Status
from .selectors import ReportFilters

STATUS_CHOICES = [
    ("", gettext_lazy("Any")),
    ("open", gettext_lazy("Open")),
    ("closed", gettext_lazy("Closed")),
    *Status.choices,
]


class MapQueryForm(forms.Form):
    bbox = forms.CharField(max_length=200)
    zoom = forms.IntegerField(required=False, min_value=0, max_value=24)
    category = forms.SlugField(required=False, max_length=40)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    district = forms.SlugField(required=False, max_length=80)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def clean_bbox(self):
        try:
            return geo.parse_bbox(self.cleaned_data["bbox"])
        except geo.BadBBox as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must not be before the start date."))
        return data

    def filters(self) -> ReportFilters:
        return _filters(self.cleaned_data)


def _filters(data: dict) -> ReportFilters:
    tz = timezone.get_current_timezone()

    def moment(day, time):
        return dt.datetime.combine(day, time, tzinfo=tz) if day else None

    return ReportFilters(
        category=data["category"],
        status=data["status"],
        district=data["district"],
        start=moment(data["start"], dt.time.min),
        end=moment(data["end"], dt.time.max),
    )


SLUG = re.compile(r"^[-a-zA-Z0-9_]*$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STATUS_VALUES = {value for value, _label in STATUS_CHOICES}


def _quick_parse(query) -> dict | None:
    """The map's usual query, cleaned as MapQueryForm would, without building the
    form (a third of a cached answer's time); None for anything unusual, which
    then goes through the form and its error messages."""
    data = {"zoom": None, "category": "", "status": "", "district": "", "start": None, "end": None}
    for name, values in query.lists():
        if name not in MapQueryForm.base_fields:
            continue  # as the form: unknown parameters are ignored
        if len(values) != 1:
            return None
        value = values[0].strip()
        if name == "bbox":
            if len(value) > 200:
                return None
            try:
                data["bbox"] = geo.parse_bbox(value)
            except geo.BadBBox:
                return None
        elif name == "zoom":
            if value:
                if not value.isdigit() or int(value) > 24:
                    return None
                data["zoom"] = int(value)
        elif name in ("category", "district"):
            if len(value) > (40 if name == "category" else 80) or not SLUG.match(value):
                return None
            data[name] = value
        elif name == "status":
            if value not in STATUS_VALUES:
                return None
            data["status"] = value
        elif value:  # start, end
            if not DAY.match(value):
                return None
            try:
                data[name] = dt.date.fromisoformat(value)
            except ValueError:
                return None
    if "bbox" not in data or (data["start"] and data["end"] and data["start"] > data["end"]):
        return None
    return data


@require_GET
def map_geojson(request):
    data = _quick_parse(request.GET)
    if data is None:
        form = MapQueryForm(request.GET)
        if not form.is_valid():
            errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
            detail = " ".join(
                f"{field}: {message}" for field, messages in errors.items() for message in messages
            )
            return JsonResponse({"detail": detail, "errors": errors}, status=400)
        data = form.cleaned_data
    body = geo.map_geojson(box=data["bbox"], zoom=data["zoom"], filters=_filters(data))
    response = HttpResponse(body, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=30)
    return response
