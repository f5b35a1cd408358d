"""Who may do what with residence verification.

citizen                 verifies themselves (census details or a code letter) and
                        sees their own residence
residency officer       staff of an organisation listed in WEGOV_RESIDENCY_OFFICES
                        (civil affairs, citizen services), and administrators:
                        census lists, code-letter batches, and the desk (verify
                        and revoke in person) for every district
district office staff   the desk for their own office's district only
everyone else           (department staff, moderators, process managers) nothing here
"""

import rules
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wegov.accounts.models import Organisation
from wegov.accounts.rules import is_administrator, is_citizen
from wegov.core import staff_pages


@rules.predicate
def is_residency_officer(user) -> bool:
    if not is_citizen(user) or not settings.WEGOV_RESIDENCY_OFFICES:
        return False
    return user.memberships.filter(organisation__slug__in=settings.WEGOV_RESIDENCY_OFFICES).exists()


@rules.predicate
def is_district_office_staff(user, district=None) -> bool:
    """Staff of a district office: of this district's office, or (no district) of any."""
    if not is_citizen(user):
        return False
    offices = user.memberships.filter(organisation__kind=Organisation.Kind.DISTRICT_OFFICE)
    if district is None:
        return offices.filter(organisation__district__isnull=False).exists()
    return offices.filter(organisation__district_id=district.pk).exists()


is_central_officer = is_administrator | is_residency_officer
# With a district: may verify/revoke there; without: may use the desk at all.
can_use_desk = is_central_officer | is_district_office_staff


@rules.predicate
def can_revoke(user, residence) -> bool:
    if residence is None:
        return False
    return can_use_desk(user, residence.district)


rules.add_perm("residency.verify_self", is_citizen)
rules.add_perm("residency.manage_census", is_central_officer)
rules.add_perm("residency.manage_codes", is_central_officer)
rules.add_perm("residency.use_desk", can_use_desk)
rules.add_perm("residency.verify_in_person", can_use_desk)
rules.add_perm("residency.revoke", can_revoke)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="residency_desk",
        label=_("Residence desk"),
        description=_("Verify a resident in person, or revoke a residence."),
        url_name="residency:desk",
        allowed="residency.use_desk",
        order=50,
    )
)
staff_pages.register(
    staff_pages.StaffPage(
        key="census_lists",
        label=_("Census lists"),
        description=_("Upload the hashed census lists residents verify against."),
        url_name="residency:census_lists",
        allowed="residency.manage_census",
        order=51,
    )
)
staff_pages.register(
    staff_pages.StaffPage(
        key="code_letters",
        label=_("Code letters"),
        description=_("Print single-use codes that verify a residence by post."),
        url_name="residency:code_batches",
        allowed="residency.manage_codes",
        order=52,
    )
)
