"""Filters for the results pages: the groups' marker shapes, drawn and named."""

from django import template
from django.utils.translation import gettext_lazy as _

from .. import charts

register = template.Library()

SHAPE_NAMES = {
    "circle": _("circles"),
    "triangle": _("triangles"),
    "square": _("squares"),
    "diamond": _("diamonds"),
    "cross": _("crosses"),
}


@register.filter
def legend_marker(shape: str) -> str:
    """Path data of the shape in a 16 by 16 icon."""
    return charts.legend_marker(shape)


@register.filter
def shape_name(shape: str) -> str:
    return str(SHAPE_NAMES.get(shape, shape))
