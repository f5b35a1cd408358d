"""Who may do what with results.

Everyone reads results that moderation has not hidden. Administrators,
process managers and the staff of the responsible department keep a result
up to date (status, progress, milestones, photos, details). Starting to track
a result needs the same people: for a result that has no department yet, the
staff of the department that will be responsible (by default the
organisation running the source's process).
"""

import rules

from wegov.accounts.rules import is_administrator, is_member_of, is_process_manager


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


@rules.predicate
def is_result_visible(user, result) -> bool:
    return result is not None and not result.is_hidden


rules.add_perm("accountability.view_result", is_result_visible | may_edit_result)
rules.add_perm("accountability.change_result", may_edit_result)
rules.add_perm("accountability.add_result", may_create_result)
