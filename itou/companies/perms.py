"""Who may do what with employers' memberships and signup.

One condition a line: each function returns False at the first condition that fails.
"""

from itou.companies.enums import CompanyKind

# The kinds of structures whose members sign up online (an OPCS joins by invitation only).
EMPLOYER_SIGNUP_KINDS = frozenset(
    {
        CompanyKind.EI,
        CompanyKind.AI,
        CompanyKind.ACI,
        CompanyKind.ETTI,
        CompanyKind.EITI,
        CompanyKind.GEIQ,
        CompanyKind.EA,
        CompanyKind.EATT,
    }
)


def is_company_member(user, company) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_professional:
        return False
    return company.memberships.active().filter(user=user).exists()


def is_company_admin(user, company) -> bool:
    if not user.is_authenticated:
        return False
    if not user.is_professional:
        return False
    return company.memberships.admins().filter(user=user).exists()


def can_view_company_members(user, company) -> bool:
    return is_company_member(user, company)


def can_manage_company_members(user, company) -> bool:
    """Invite, promote, demote, deactivate, accept or decline join requests."""
    return is_company_admin(user, company)


def can_invite_to_company(user, company) -> bool:
    return can_manage_company_members(user, company)


def company_signup_email(company) -> str:
    """Where signup links go: the official email, or for an antenne its parent's."""
    if company.official_email:
        return company.official_email
    if company.parent_id and company.parent.official_email:
        return company.parent.official_email
    return ""


def can_receive_signup_link(company) -> bool:
    """A signup link can be emailed for this structure."""
    if company.kind not in EMPLOYER_SIGNUP_KINDS:
        return False
    if not company.is_active:
        return False
    return bool(company_signup_email(company))
