from django import template

from ..reasons import money as _money

register = template.Library()


@register.filter
def money(amount, currency="EUR") -> str:
    """``12 000 EUR`` with the active language's grouping."""
    return _money(amount, currency)


@register.filter
def percent(share) -> str:
    if share is None:
        return ""
    return f"{round(100 * float(share))}%"
