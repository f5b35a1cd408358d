from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Forms render as GOV.UK Frontend form groups, with errors linked to inputs."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
