import rules
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import is_administrator, is_citizen, is_moderator
from wegov.core import staff_pages


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

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="staff_queue",
        label=_("Staff queue"),
        description=_("Reports for your departments: assign, answer, change status."),
        url_name="backoffice:queue",
        allowed="reports.use_staff_queue",
        order=10,
    )
)
staff_pages.register(
    staff_pages.StaffPage(
        key="file_on_behalf",
        label=_("File a report for a caller"),
        description=_("Enter a problem someone reports by phone or at the desk."),
        url_name="backoffice:file_on_behalf",
        allowed="reports.file_on_behalf",
        order=11,
    )
)
