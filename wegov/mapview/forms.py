"""The map's filters, shared by the map page, its list and the GeoJSON API."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegov.core import maptiles
from wegov.places.models import District

from . import selectors


def _any(label=None):
    return [("", label or gettext_lazy("Any"))]


class MapQueryForm(forms.Form):
    """The filters as the API takes them: values are checked for shape, not
    looked up (an unknown category simply matches nothing), so a cached answer
    costs no query."""

    kind = forms.MultipleChoiceField(
        label=gettext_lazy("What"), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.SlugField(label=gettext_lazy("Category or topic"), required=False)
    status = forms.SlugField(label=gettext_lazy("Status"), required=False, max_length=30)
    district = forms.SlugField(label=gettext_lazy("District"), required=False)
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    followed = forms.BooleanField(label=gettext_lazy("Only what I follow"), required=False)

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["kind"].choices = selectors.kind_choices()
        if not (user and user.is_authenticated):
            del self.fields["followed"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must not be before the start date."))
        return data

    def filters(self) -> selectors.MapFilters:
        data = self.cleaned_data
        tz = timezone.get_current_timezone()

        def midnight(day):
            return dt.datetime.combine(day, dt.time.min, tzinfo=tz) if day else None

        return selectors.MapFilters(
            kinds=tuple(sorted(data.get("kind") or ())),
            category=data.get("category") or "",
            status=data.get("status") or "",
            district=data.get("district") or "",
            start=midnight(data.get("start")),
            # "Until" includes that day.
            end=midnight(data["end"] + dt.timedelta(days=1)) if data.get("end") else None,
            followed_by=self.user.pk if data.get("followed") else None,
        )


class MapFilterForm(MapQueryForm):
    """The map page's filters: choices people can pick from."""

    category = forms.ChoiceField(label=gettext_lazy("Category or topic"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["category"].choices = _any() + selectors.category_groups()
        self.fields["status"].choices = _any() + selectors.status_groups()
        self.fields["district"].choices = _any() + list(
            District.objects.order_by("name").values_list("slug", "name")
        )


class MapItemsQueryForm(MapQueryForm):
    """The API's query: the filters and the box (and zoom) to draw."""

    bbox = forms.CharField(max_length=200)
    zoom = forms.IntegerField(required=False, min_value=0, max_value=24)

    def clean_bbox(self):
        try:
            return maptiles.parse_bbox(self.cleaned_data["bbox"])
        except maptiles.BadBBox as exc:
            raise forms.ValidationError(str(exc)) from None
