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


@register.inclusion_tag("budgeting/_process_budgets.html")
def process_budgets(process):
    """The budgets section of a process page (one query; nothing when it has none)."""
    from wegov.budgeting.models import Budget

    budgets = list(
        Budget.objects.published()
        .filter(process=process)
        .select_related("district")
        .order_by("-voting_opens_at", "title")
    )
    return {"budgets": budgets}
