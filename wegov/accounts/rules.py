"""Named permission predicates for roles (see README "Roles").

citizen            any signed-in, active user
verified resident  ``verified_resident_since`` is set
staff              member of at least one organisation (department, district office)
moderator          ``is_moderator``
process manager    ``is_process_manager``
administrator      ``is_superuser``

Every privileged role (staff, moderator, process manager, administrator) must
use two-factor authentication.
"""

import rules
from allauth.account.authentication import get_authentication_records
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegov.core import staff_pages


@rules.predicate
def is_citizen(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_verified_resident(user) -> bool:
    return is_citizen(user) and user.verified_resident_since is not None


@rules.predicate
def is_blocked(user) -> bool:
    return is_citizen(user) and user.blocked_at is not None


def participant_refusal(user, doing: str | None = None) -> str | None:
    """Why ``user`` may not take part at all (None: they may): not logged in, or
    blocked. ``doing`` names the action in the message ("vote", "open a debate")."""
    if not is_citizen(user):
        if doing:
            return _("Log in to %(doing)s.") % {"doing": doing}
        return _("Log in to take part.")
    if is_blocked(user):
        if doing:
            return _("Your account is blocked: you cannot %(doing)s.") % {"doing": doing}
        return _("Your account is blocked: you can read, but not take part.")
    return None


# Anyone who may write: comment, propose, support, flag, follow.
is_participant = is_citizen & ~is_blocked


@rules.predicate
def is_administrator(user) -> bool:
    return is_citizen(user) and user.is_superuser


@rules.predicate
def is_moderator(user) -> bool:
    return is_citizen(user) and (user.is_moderator or user.is_superuser)


@rules.predicate
def is_process_manager(user) -> bool:
    return is_citizen(user) and (user.is_process_manager or user.is_superuser)


@rules.predicate
def is_staff_member(user) -> bool:
    return is_citizen(user) and user.memberships.exists()


@rules.predicate
def is_member_of(user, organisation) -> bool:
    if not is_citizen(user) or organisation is None:
        return False
    return user.memberships.filter(organisation=organisation).exists()


@rules.predicate
def is_self(user, other) -> bool:
    return is_citizen(user) and other is not None and user.pk == other.pk


is_privileged = is_staff_member | is_moderator | is_process_manager | is_administrator


def session_passed_mfa(request) -> bool:
    """True if the current session's log-in included a second factor."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


rules.add_perm("accounts.manage_organisations", is_administrator)
rules.add_perm("accounts.manage_roles", is_administrator)
rules.add_perm("accounts.view_audit_log", is_administrator)
rules.add_perm("accounts.manage_own_tokens", is_citizen)

rules.add_perm("accounts.export_own_data", is_citizen)
rules.add_perm("accounts.erase_own_account", is_citizen)

# The staff hub lists Django's administration for administrators (it asks
# them for their second factor itself).
staff_pages.register(
    staff_pages.StaffPage(
        key="administration",
        label=gettext_lazy("Administration"),
        description=gettext_lazy(
            "Users, roles, organisations and every record, for administrators."
        ),
        url_name="admin:index",
        allowed=is_administrator,
        order=90,
    )
)
