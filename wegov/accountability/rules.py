"""Who may do what with results.

Everyone reads results that moderation has not hidden. Administrators,
process managers and the staff of the responsible department keep a result
up to date (status, progress, milestones, photos, details). Starting to track
a result needs the same people: for a result that has no department yet, the
staff of the department that will be responsible (by default the
organisation running the source's process).
"""

import rules
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import (
    is_administrator,
    is_member_of,
    is_process_manager,
    is_staff_member,
)
from wegov.core import staff_pages


@rules.predicate
def is_department_staff(user, result) -> bool:
    if result is None or result.department_id is None:
        return False
    return is_member_of(user, result.department)


@rules.predicate
def is_staff_of(user, organisation) -> bool:
    """Staff of ``organisation`` (the department that would be responsible)."""
    return is_member_of(user, organisation)


may_edit_result = is_administrator | is_process_manager | is_department_staff
may_create_result = is_administrator | is_process_manager | is_staff_of
# Who may open "results to track" at all (the page then lists what each may start).
may_track_any = is_administrator | is_process_manager | is_staff_member


@rules.predicate
def is_result_visible(user, result) -> bool:
    return result is not None and not result.is_hidden


rules.add_perm("accountability.view_result", is_result_visible | may_edit_result)
rules.add_perm("accountability.change_result", may_edit_result)
rules.add_perm("accountability.add_result", may_create_result)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="track_results",
        label=_("Results to track"),
        description=_("Accepted proposals waiting for implementation tracking."),
        url_name="accountability:track",
        allowed=may_track_any,
        order=22,
    )
)
