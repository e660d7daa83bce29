"""Institutions (DDETS, DREETS, DGEFP) are joined by invitation only: from the support
team (back-office) or from the institution's admins (members page)."""

from itou.institutions.models import Institution
from itou.invitations.models import Invitation
from itou.invitations.services import invitation_create
from itou.users.models import User


def institution_invitation_create(
    *,
    acting_user: User,
    institution: Institution,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_admin: bool = False,
) -> Invitation:
    """Invite a labor inspector; the first one of an institution is usually invited as its
    admin by the support team. Permission: itou.invitations.perms.can_invite_to_institution."""
    return invitation_create(
        acting_user=acting_user,
        organization=institution,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_admin=is_admin,
    )
