from django import forms
from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .fetch import megabytes
from .models import DataLayer

META = ["name", "slug", "description", "licence", "attribution", "source_url"]
SOURCE = ["data_url", "format", "lat_column", "lon_column", "name_column", "key_column"]
SCHEDULE = ["refresh_minutes", "is_public"]


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class LayerForm(forms.ModelForm):
    """Add or change a layer. The file or URL is read and checked by the
    service when the form is saved; its errors come back on these fields."""

    upload = forms.FileField(
        label=_("Upload a file"),
        required=False,
        help_text=_("A GeoJSON (.geojson, .json) or CSV (.csv) file, at most %(mb)s MB."),
    )

    class Meta:
        model = DataLayer
        formfield_callback = _formfield
        fields = [*META, "data_url", "format", *SOURCE[2:], *SCHEDULE]
        labels = {
            "name": _("Name"),
            "slug": _("Short name for web addresses"),
            "description": _("Description"),
            "licence": _("Licence"),
            "attribution": _("Attribution"),
            "source_url": _("Source page (optional)"),
            "data_url": _("Or the URL of the data"),
            "format": _("Format"),
            "lat_column": _("Latitude column (CSV, optional)"),
            "lon_column": _("Longitude column (CSV, optional)"),
            "name_column": _("Name column or property (optional)"),
            "key_column": _("Identifier column or property (optional)"),
            "refresh_minutes": _("Refresh from the URL"),
            "is_public": _("Show this layer to the public"),
        }
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens; made from the name when empty."),
            "licence": _("For example CC BY 4.0 or CC0."),
            "attribution": _("Shown with the layer, for example “Gemeente Lindenbrug, CC BY 4.0”."),
            "source_url": _("The dataset's page on the open-data portal, linked for readers."),
            "data_url": _(
                "An http or https address of a GeoJSON or CSV file, "
                "fetched now and on each refresh."
            ),
            "lat_column": _("Found by itself when the column is called lat, latitude or y."),
            "lon_column": _("Found by itself when the column is called lon, lng, longitude or x."),
            "name_column": _(
                "The label of each point; found by itself when called name, naam or title."
            ),
            "key_column": _(
                "A stable identifier of each point, so links to it survive refreshes; "
                "otherwise the feature id or the row number."
            ),
            "refresh_minutes": _(
                "Only for a layer read from a URL. A failed refresh keeps the last good copy."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "format": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mb = megabytes(settings.WEGOV_DATALAYERS_MAX_BYTES)
        self.fields["upload"].help_text = self.fields["upload"].help_text % {"mb": mb}
        self.fields["slug"].required = False
        if self.instance.pk and self.instance.upload:
            self.fields["upload"].help_text = _(
                "Leave empty to keep the current file; a new file replaces the features."
            )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name") or "")
        if not slug:
            raise forms.ValidationError(_("Give the layer a short name for web addresses."))
        return slug[:80]

    def clean(self):
        data = super().clean()
        upload, url = data.get("upload"), data.get("data_url")
        if upload and url:
            self.add_error("upload", _("Give either a file or a URL, not both."))
        elif not upload and not url and not (self.instance.pk and self.instance.upload):
            self.add_error("upload", _("Upload a file or give the URL of the data."))
        if data.get("refresh_minutes") and not url:
            self.add_error(
                "refresh_minutes", _("Only a layer read from a URL can be refreshed on a schedule.")
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in META + SOURCE + SCHEDULE}
