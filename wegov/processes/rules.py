"""Who may do what with participatory processes.

Process managers (and administrators, whom ``is_process_manager`` includes)
create, edit, phase, publish and unpublish processes and see drafts. Everyone
sees published processes. What citizens may do *inside* a process is decided
by its active phase (``Process.allows``), not here.
"""

import rules
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import is_administrator, is_process_manager
from wegov.core import staff_pages

can_manage = is_process_manager | is_administrator


@rules.predicate
def is_published(user, process) -> bool:
    return process is not None and process.is_published


rules.add_perm("processes.manage_processes", can_manage)
rules.add_perm("processes.view_process", is_published | can_manage)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="manage_processes",
        label=_("Manage processes"),
        description=_("Create participatory processes, their phases, and publish them."),
        url_name="processes:manage_list",
        allowed="processes.manage_processes",
        order=20,
    )
)
