"""Who may do what with base-map problems.

Anyone signed in (and not blocked) files a flag. The city's mappers read them
all, export them and record what became of them: staff of any department,
moderators and administrators (there is no separate mapper role: the city's
mappers are staff accounts). The person who filed a flag sees it on its page
and in "my flags"; nobody else does.
"""

import rules
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import is_administrator, is_moderator, is_participant, is_staff_member
from wegov.core import staff_pages


@rules.predicate
def is_flag_reporter(user, flag) -> bool:
    return bool(flag is not None and user.is_authenticated and flag.reporter_id == user.pk)


is_mapper = is_staff_member | is_moderator | is_administrator

rules.add_perm("basemap.file_flag", is_participant)
rules.add_perm("basemap.list_flags", is_mapper)
rules.add_perm("basemap.change_flag_status", is_mapper)
rules.add_perm("basemap.view_flag", is_mapper | is_flag_reporter)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="basemap",
        label=_("Base-map problems"),
        description=_("What citizens and staff found wrong or missing on the map."),
        url_name="basemap:list",
        allowed="basemap.list_flags",
        order=40,
    )
)
