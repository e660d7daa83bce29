"""Who sees which figures (docs/statistiques.md, « Qui voit quoi »).

- DDETS: its department; DREETS: the departments of its region; DGEFP: France.
- An employer: its own figures and those of its antennes (or, for an antenne, its own).
- A prescriber organization: the applications it sent.
- A job seeker, or a professional without organization: nothing (403).
Outside the organization concerned (institutions, the public page), counts under 5 are hidden.
"""

from django.core.exceptions import PermissionDenied

from itou.companies.models import Company
from itou.geo.models import Department
from itou.organizations.current import Role
from itou.stats.figures import Scope

NATIONAL = Scope("France entière", departments=None, suppress_small=True)


def scope_for_request(request) -> Scope:
    current = getattr(request, "current_organization", None)
    if not request.user.is_authenticated or not request.user.is_professional or not current:
        raise PermissionDenied("Les statistiques de pilotage sont réservées aux organisations.")
    organization = current.organization
    if current.role == Role.LABOR_INSPECTOR:
        if organization.is_departmental:
            return Scope(
                f"{organization.department.name} ({organization.department_id})",
                departments=(organization.department_id,),
            )
        if organization.is_regional:
            codes = tuple(
                Department.objects.filter(region_id=organization.region_id)
                .order_by("code")
                .values_list("code", flat=True)
            )
            return Scope(f"Région {organization.region.name}", departments=codes)
        return NATIONAL
    if current.role == Role.EMPLOYER:
        ids = (organization.pk, *Company.objects.filter(parent=organization).values_list("pk", flat=True))
        return Scope(organization.display_name, company_ids=tuple(sorted(ids)), suppress_small=False)
    if current.role == Role.PRESCRIBER:
        return Scope(organization.name, prescriber_org_id=organization.pk, suppress_small=False)
    raise PermissionDenied


def department_scope(code: str) -> Scope:
    department = Department.objects.filter(code=code).first()
    if department is None:
        return None
    return Scope(f"{department.name} ({department.code})", departments=(department.code,))
