"""Render Django form fields with GOV.UK Frontend classes."""

from django import forms, template

from wegov.core.models import public_hidden_reason

register = template.Library()

INPUT_CLASS = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.RadioSelect: "govuk-radios__input",
}


@register.filter
def govuk_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def govuk_widget(bound_field):
    widget = bound_field.field.widget
    css = next(
        (cls for kind, cls in INPUT_CLASS.items() if isinstance(widget, kind)), "govuk-input"
    )
    if bound_field.errors:
        css += {
            "govuk-input": " govuk-input--error",
            "govuk-select": " govuk-select--error",
            "govuk-textarea": " govuk-textarea--error",
            "govuk-file-upload": " govuk-file-upload--error",
        }.get(css, "")
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}-error")
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def govuk_pagination(context, page, label, param="page", anchor=""):
    """GOV.UK pagination for a Django ``Page``: ``{% govuk_pagination page label %}``.

    Links keep the request's other query parameters (filters, order) and set
    ``param`` (a page embedded in another page, like comments, uses its own);
    ``anchor`` ("#comments") brings the reader back to that part of the page.
    """
    if not page.has_other_pages():
        return {"show": False}
    query = context["request"].GET.copy()

    def href(number) -> str:
        query[param] = number
        return f"?{query.urlencode()}{anchor}"

    ellipsis = page.paginator.ELLIPSIS
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {
        "show": True,
        "label": label,
        "current": page.number,
        "items": [(n, None if n == ellipsis else href(n)) for n in numbers],
        "previous_href": href(page.previous_page_number()) if page.has_previous() else "",
        "next_href": href(page.next_page_number()) if page.has_next() else "",
    }


@register.filter
def hidden_reason(reason: str) -> str:
    """The public reason for hiding, in the reader's language when it is the
    automatic one (core.models.PENDING_REVIEW_REASON)."""
    return public_hidden_reason(reason)
