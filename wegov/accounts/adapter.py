from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("display_name", "")
        language = translation.get_language() or "en"
        user.preferred_language = language.split("-")[0]
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        # Emails go out in the recipient's language when we know it, else the
        # language of the page that triggered them.
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
