from django import forms
from django.utils.translation import gettext_lazy as _

from . import notification_types as nt


class FollowForm(forms.Form):
    target_kind = forms.CharField(max_length=30)
    target_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(choices=[("follow", "follow"), ("unfollow", "unfollow")])
    next = forms.CharField(max_length=2000, required=False)


class NotificationSettingsForm(forms.Form):
    """One radio group per notification type: at once, daily or off."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for key, type_ in nt.TYPES.items():
            self.fields[key] = forms.ChoiceField(
                label=type_.label,
                help_text=type_.hint,
                choices=type_.choices(),
                initial=current.get(key, type_.default),
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how you want to hear about this.")},
            )


class PublicProfileForm(forms.Form):
    avatar = forms.FileField(
        label=_("Profile picture"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or GIF, at most 5 MB. We cut a square from the middle and remove "
            "hidden information such as the place a photo was taken."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my profile picture"), required=False)
    activity_public = forms.BooleanField(
        label=_("Show my activity, the people who follow me and what I follow on my profile"),
        required=False,
        help_text=_("Your contributions are public either way."),
    )
