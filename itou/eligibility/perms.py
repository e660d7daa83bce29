"""Who may make an eligibility diagnosis (services check these; views use them to show or
hide the screens). One condition a line."""

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.companies.models import CompanyMembership
from itou.prescribers.models import PrescriberMembership


def is_prescriber_member(user, organization) -> bool:
    return (
        user.is_authenticated
        and user.is_professional
        and PrescriberMembership.objects.filter(user=user, organization=organization, is_active=True).exists()
    )


def is_company_member(user, company) -> bool:
    return (
        user.is_authenticated
        and user.is_professional
        and CompanyMembership.objects.filter(user=user, company=company, is_active=True).exists()
    )


def can_make_diagnosis_as_prescriber(user, organization) -> bool:
    """An authorized prescriber ("prescripteur habilité"); an orienteur never."""
    return organization.is_authorized and is_prescriber_member(user, organization)


def can_make_diagnosis_as_employer(user, company) -> bool:
    """An active member of an SIAE, for its own hires."""
    return company.kind in SIAE_KINDS and is_company_member(user, company)


def can_make_geiq_diagnosis_as_employer(user, company) -> bool:
    return company.kind == CompanyKind.GEIQ and is_company_member(user, company)
