import rules
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import is_administrator, is_staff_member
from wegov.core import staff_pages

# Regenerating the files costs a database scan per dataset: staff (members of
# an organisation) and administrators may ask for it; everyone may download.
rules.add_perm("opendata.regenerate", is_staff_member | is_administrator)
# The licence, publisher and contact point are the administration's decision.
rules.add_perm("opendata.manage_settings", is_administrator)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="opendata",
        label=_("Open-data exports"),
        description=_("Regenerate the platform's open-data downloads."),
        url_name="opendata:manage",
        allowed="opendata.regenerate",
        order=61,
    )
)
