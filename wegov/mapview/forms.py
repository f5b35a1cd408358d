"""The map page's filters: its list, and (through the page's query) its map."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegov.places.models import District

from . import selectors


def _any(label=None):
    return [("", label or gettext_lazy("Any"))]


class MapFilterForm(forms.Form):
    """The map page's filters (the API checks the same parameters itself,
    without a form: see api.py)."""

    kind = forms.MultipleChoiceField(
        label=gettext_lazy("What"), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(label=gettext_lazy("Category or topic"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
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
        self.fields["category"].choices = _any() + selectors.category_groups()
        self.fields["status"].choices = _any() + selectors.status_groups()
        self.fields["district"].choices = _any() + list(
            District.objects.order_by("name").values_list("slug", "name")
        )
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
        return selectors.MapFilters.from_days(
            kinds=tuple(sorted(data.get("kind") or ())),
            category=data.get("category") or "",
            status=data.get("status") or "",
            district=data.get("district") or "",
            start=data.get("start"),
            end=data.get("end"),
            followed_by=self.user.pk if data.get("followed") else None,
        )
