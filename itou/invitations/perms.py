"""Who may manage the members of an organization, whatever its kind.

Employers and prescriber organizations keep their own rules (itou/companies/perms.py,
itou/prescribers/perms.py); institutions' rules are here. One condition a line: each
function returns False at the first condition that fails.
"""

from itou.companies import perms as company_perms
from itou.invitations.enums import OrganizationType
from itou.invitations.organizations import kind_of
from itou.prescribers import perms as prescriber_perms


def is_support_staff(user) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    return user.is_staff


def is_institution_member(user, institution) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_professional:
        return False
    return institution.memberships.active().filter(user=user).exists()


def is_institution_admin(user, institution) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_professional:
        return False
    return institution.memberships.admins().filter(user=user).exists()


def can_invite_to_institution(user, institution) -> bool:
    """Institutions are joined by invitation only, from the support team or their admins."""
    if is_support_staff(user):
        return True
    return is_institution_admin(user, institution)


def can_view_members(user, organization) -> bool:
    match kind_of(organization).type:
        case OrganizationType.COMPANY:
            return company_perms.can_view_company_members(user, organization)
        case OrganizationType.PRESCRIBER:
            return prescriber_perms.can_view_prescriber_members(user, organization)
        case _:
            return is_institution_member(user, organization)


def can_manage_members(user, organization) -> bool:
    """Promote, demote, deactivate members; accept or decline join requests; cancel invitations."""
    match kind_of(organization).type:
        case OrganizationType.COMPANY:
            return company_perms.can_manage_company_members(user, organization)
        case OrganizationType.PRESCRIBER:
            return prescriber_perms.can_manage_prescriber_members(user, organization)
        case _:
            return is_institution_admin(user, organization)


def can_invite(user, organization) -> bool:
    match kind_of(organization).type:
        case OrganizationType.COMPANY:
            return company_perms.can_invite_to_company(user, organization)
        case OrganizationType.PRESCRIBER:
            return prescriber_perms.can_invite_to_prescriber_organization(user, organization)
        case _:
            return can_invite_to_institution(user, organization)


def can_cancel_invitation(user, invitation) -> bool:
    if is_support_staff(user):
        return True
    return can_invite(user, invitation.organization)


def can_decide_join_request(user, join_request) -> bool:
    """The organization's admins; the support team too (for organizations without admin)."""
    if is_support_staff(user):
        return True
    return can_manage_members(user, join_request.organization)


def can_request_to_join(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_professional


def can_accept_invitation(user, invitation) -> bool:
    """The invited person, with the invited email, and a professional account."""
    if not user.is_authenticated:
        return False
    if not user.is_professional:
        return False
    return (user.email or "").lower() == invitation.email
