import rules

from wegov.accounts.rules import is_administrator, is_citizen, is_moderator


@rules.predicate
def is_report_handler(user, report) -> bool:
    """Staff of the department the report is assigned to."""
    if not is_citizen(user) or report is None:
        return False
    return user.memberships.filter(organisation_id=report.department_id).exists()


@rules.predicate
def is_staff_of_any_department(user) -> bool:
    return is_citizen(user) and user.memberships.exists()


can_handle = is_report_handler | is_administrator

rules.add_perm("reports.handle_report", can_handle)
rules.add_perm("reports.view_internal_notes", can_handle)
rules.add_perm("reports.file_on_behalf", is_staff_of_any_department | is_administrator)
rules.add_perm("reports.use_staff_queue", is_staff_of_any_department | is_administrator)
rules.add_perm("reports.moderate_report", is_moderator | can_handle)
