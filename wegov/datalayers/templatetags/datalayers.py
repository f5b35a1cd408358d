"""``{% load datalayers %}{% linked_features obj %}`` on a contribution's page.

Shows the features of public map layers the contribution is linked to
("Linked to: “Bench 12” (Benches layer)") and, to those who may link (its
author, staff, administrators), a link to the page that links it. One query
for the links; deciding whether a signed-in visitor who is neither the author
nor an administrator is staff costs one more.
"""

from django import template
from django.urls import reverse

from wegov.core import registry

from .. import selectors
from ..rules import can_link_features

register = template.Library()


@register.inclusion_tag("datalayers/_linked_features.html", takes_context=True)
def linked_features(context, obj):
    try:
        kind = registry.kind_of(obj)
    except KeyError:
        return {"links": [], "link_url": ""}
    links = selectors.links_of(kind.kind, obj.pk)
    user = getattr(context.get("request"), "user", None)
    link_url = ""
    has_place = getattr(obj, "lat", None) is not None and getattr(obj, "lon", None) is not None
    may_link = user is not None and user.is_authenticated and (has_place or links)
    if may_link and can_link_features(user, obj):
        link_url = reverse("datalayers:link", kwargs={"kind": kind.kind, "object_id": obj.pk})
    return {"links": links, "link_url": link_url}
