"""The organization a professional is acting for ("current organization").

A professional may belong to several employers, prescriber organizations and
institutions. The one chosen in the header is kept in the session; the role (employer,
prescriber, labor inspector) follows it. Views read `request.current_organization`,
set lazily by `CurrentOrganizationMiddleware`, and load what they show through it.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.functional import SimpleLazyObject

SESSION_KEY = "current_organization"


class Role:
    EMPLOYER = "employer"
    PRESCRIBER = "prescriber"
    LABOR_INSPECTOR = "labor_inspector"


ROLE_LABELS = {
    Role.EMPLOYER: "Employeur",
    Role.PRESCRIBER: "Prescripteur",
    Role.LABOR_INSPECTOR: "Institution partenaire",
}


@dataclass(frozen=True)
class CurrentOrganization:
    key: str  # "company:12", "prescriber:3", "institution:1": what the session stores
    role: str
    organization: object  # Company, PrescriberOrganization or Institution
    is_admin: bool

    @property
    def name(self) -> str:
        return getattr(self.organization, "display_name", None) or self.organization.name

    @property
    def role_label(self) -> str:
        if self.role == Role.PRESCRIBER:
            return "Prescripteur habilité" if self.organization.is_authorized else "Orienteur"
        return ROLE_LABELS[self.role]

    @property
    def company(self):
        return self.organization if self.role == Role.EMPLOYER else None

    @property
    def prescriber_organization(self):
        return self.organization if self.role == Role.PRESCRIBER else None

    @property
    def institution(self):
        return self.organization if self.role == Role.LABOR_INSPECTOR else None


def organization_choices(user) -> list[CurrentOrganization]:
    """Every organization where `user` has an active membership (three queries)."""
    from itou.companies.models import Company
    from itou.institutions.models import Institution
    from itou.prescribers.models import PrescriberOrganization

    if not (user.is_authenticated and user.is_professional):
        return []
    choices = [
        CurrentOrganization(f"company:{c.pk}", Role.EMPLOYER, c, c.membership_is_admin)
        for c in Company.objects.for_member(user)
    ]
    choices += [
        CurrentOrganization(f"prescriber:{o.pk}", Role.PRESCRIBER, o, o.membership_is_admin)
        for o in PrescriberOrganization.objects.for_member(user)
    ]
    choices += [
        CurrentOrganization(f"institution:{i.pk}", Role.LABOR_INSPECTOR, i, i.membership_is_admin)
        for i in Institution.objects.for_member(user)
    ]
    return choices


def _resolve(request):
    if hasattr(request, "_organization_choices"):
        return request._organization_choices, request._current_organization
    choices = organization_choices(request.user)
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    current = next((choice for choice in choices if choice.key == wanted), None)
    if current is None and choices:
        # The chosen one is gone (membership deactivated…) or none was chosen: the first.
        current = choices[0]
        request.session[SESSION_KEY] = current.key
    request._organization_choices, request._current_organization = choices, current
    return choices, current


def set_current_organization(request, key: str) -> CurrentOrganization | None:
    """Switch to the organization `key` if the user is an active member of it."""
    choices, _current = _resolve(request)
    chosen = next((choice for choice in choices if choice.key == key), None)
    if chosen is not None:
        request.session[SESSION_KEY] = chosen.key
        request._current_organization = chosen
    return chosen


def remember_current_organization(request, key: str) -> None:
    """Act for the organization `key` from the next request on (one the user just joined:
    this request's cached list of organizations predates the membership)."""
    request.session[SESSION_KEY] = key
    for attribute in ("_organization_choices", "_current_organization"):
        request.__dict__.pop(attribute, None)


def get_current_company_or_404(request, *, admin: bool = False):
    """The company the user acts for, or 404 (not an employer now, or not admin when required)."""
    current = request.current_organization
    if not current or current.role != Role.EMPLOYER or (admin and not current.is_admin):
        raise Http404
    return current.organization


def get_current_prescriber_organization_or_404(request, *, admin: bool = False):
    current = request.current_organization
    if not current or current.role != Role.PRESCRIBER or (admin and not current.is_admin):
        raise Http404
    return current.organization


class CurrentOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.current_organization = SimpleLazyObject(lambda: _resolve(request)[1])
        request.organization_choices = SimpleLazyObject(lambda: _resolve(request)[0])
        return self.get_response(request)
