"""Who may do what with data layers.

Managing layers (add, change, refresh, delete, see their status) is for
administrators. Linking a contribution to a layer's feature is for the
contribution's author (unless blocked) and for staff (any department's member)
and administrators.
"""

import rules
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import is_administrator, is_participant, is_staff_member
from wegov.core import registry, staff_pages


@rules.predicate
def is_contribution_author(user, contribution) -> bool:
    if contribution is None or not (user and user.is_authenticated):
        return False
    try:
        kind = registry.kind_of(contribution)
    except KeyError:
        return False
    attname = kind.model._meta.get_field(kind.author_field).attname
    return getattr(contribution, attname, None) == user.pk


can_manage_layers = is_administrator
can_link_features = (is_participant & is_contribution_author) | is_staff_member | is_administrator

rules.add_perm("datalayers.manage_layers", can_manage_layers)
rules.add_perm("datalayers.link_feature", can_link_features)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="datalayers",
        label=_("Open-data map layers"),
        description=_("Upload and publish open-data layers on the map."),
        url_name="datalayers:staff_list",
        allowed="datalayers.manage_layers",
        order=60,
    )
)
