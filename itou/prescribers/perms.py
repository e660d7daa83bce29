"""Who may do what with prescriber organizations.

One condition a line: each function returns False at the first condition that fails.
"""


def is_prescriber_organization_member(user, organization) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_professional:
        return False
    return organization.memberships.active().filter(user=user).exists()


def is_prescriber_organization_admin(user, organization) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_professional:
        return False
    return organization.memberships.admins().filter(user=user).exists()


def can_view_prescriber_members(user, organization) -> bool:
    return is_prescriber_organization_member(user, organization)


def can_manage_prescriber_members(user, organization) -> bool:
    """Invite, promote, demote, deactivate, accept or decline join requests."""
    return is_prescriber_organization_admin(user, organization)


def can_invite_to_prescriber_organization(user, organization) -> bool:
    return can_manage_prescriber_members(user, organization)


def can_create_prescriber_organization(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_professional


def can_decide_authorization(user) -> bool:
    """Validate or refuse an organization's authorization ("habilitation"): the support team."""
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    return user.is_staff
