from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import OpenDataSettings


class RegenerateForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Dataset"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", _("All datasets"))] + [
            (d.slug, d.title) for d in registry.datasets()
        ]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = OpenDataSettings
        fields = ["licence", "publisher_name", "contact_name", "contact_email"]
        error_messages = {
            "contact_email": {"invalid": _("Enter an email address like opendata@example.org.")},
            "publisher_name": {"required": _("Enter the publisher's name.")},
            "contact_name": {"required": _("Enter the contact point's name.")},
        }
