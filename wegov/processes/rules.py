"""Who may do what with participatory processes.

Process managers (and administrators, whom ``is_process_manager`` includes)
create, edit, phase, publish and unpublish processes and see drafts. Everyone
sees published processes. What citizens may do *inside* a process is decided
by its active phase (``Process.allows``), not here.
"""

import rules

from wegov.accounts.rules import is_administrator, is_process_manager

can_manage = is_process_manager | is_administrator


@rules.predicate
def is_published(user, process) -> bool:
    return process is not None and process.is_published


rules.add_perm("processes.manage_processes", can_manage)
rules.add_perm("processes.view_process", is_published | can_manage)
