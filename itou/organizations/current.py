"""The organization a professional is acting for ("current organization").

A professional may belong to several employers, prescriber organizations and
institutions. The one chosen in the header is kept in the session; the role (employer,
prescriber, labor inspector) follows it. Views read `request.current_organization`,
set lazily by `CurrentOrganizationMiddleware`, and load what they show through it.
"""

from dataclasses import dataclass

from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
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


def _organization_models():
    """(key prefix, role, model) of the three kinds of organizations, in the list's order."""
    from itou.companies.models import Company
    from itou.institutions.models import Institution
    from itou.prescribers.models import PrescriberOrganization

    return [
        ("company", Role.EMPLOYER, Company),
        ("prescriber", Role.PRESCRIBER, PrescriberOrganization),
        ("institution", Role.LABOR_INSPECTOR, Institution),
    ]


def organization_choices(user) -> list[CurrentOrganization]:
    """Every organization where `user` has an active membership (three queries)."""
    if not (user.is_authenticated and user.is_professional):
        return []
    return [
        CurrentOrganization(f"{prefix}:{organization.pk}", role, organization, organization.membership_is_admin)
        for prefix, role, model in _organization_models()
        for organization in model.objects.for_member(user)
    ]


def _organization_count_sql(user) -> RawSQL:
    """How many organizations `user` is an active member of: their active memberships of the
    three kinds (the rows `for_member` joins: a membership's organization always exists),
    as plain SQL (the same three subqueries built by the ORM cost more to build and compile
    than the whole query takes to run)."""
    from itou.companies.models import CompanyMembership
    from itou.institutions.models import InstitutionMembership
    from itou.prescribers.models import PrescriberMembership

    tables = [model._meta.db_table for model in (CompanyMembership, PrescriberMembership, InstitutionMembership)]
    sql = " + ".join(f'(SELECT COUNT(*) FROM "{table}" WHERE "user_id" = %s AND "is_active")' for table in tables)
    return RawSQL(sql, [user.pk] * len(tables), output_field=IntegerField())


def chosen_organization(user, key) -> tuple[CurrentOrganization, int] | None:
    """The organization `key` ("company:12"…) if `user` has an active membership there,
    with the number of organizations they belong to (the header's switcher): one query,
    under the same `for_member` conditions as `organization_choices`. None otherwise."""
    if not (isinstance(key, str) and user.is_authenticated and user.is_professional):
        return None
    prefix, _sep, pk = key.partition(":")
    wanted = next(((r, m) for name, r, m in _organization_models() if name == prefix), None)
    if wanted is None or not pk.isdigit():
        return None
    role, model = wanted
    queryset = (
        model.objects.for_member(user)
        .filter(pk=int(pk))
        .order_by()
        .annotate(organization_count=_organization_count_sql(user))
    )
    organization = next(iter(queryset[:1]), None)
    if organization is None:
        return None
    current = CurrentOrganization(key, role, organization, organization.membership_is_admin)
    return current, organization.organization_count


def _resolve_current(request):
    """The current organization: the session's one, in one query, while the user is still
    an active member there; otherwise the first of the full list (`_resolve`)."""
    if hasattr(request, "_current_organization"):
        return request._current_organization
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    found = chosen_organization(request.user, wanted) if wanted else None
    if found is None:
        return _resolve(request)[1]
    request._current_organization, request._organization_count = found
    return request._current_organization


def _organization_count(request) -> int:
    """How many organizations the user acts for (the header offers to switch above one)."""
    current = _resolve_current(request)
    if hasattr(request, "_organization_choices"):
        return len(request._organization_choices)
    return request._organization_count if current is not None else 0


def _resolve(request):
    """Every organization of the user (three queries) and the current one."""
    if hasattr(request, "_organization_choices"):
        return request._organization_choices, request._current_organization
    choices = organization_choices(request.user)
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    current = next((choice for choice in choices if choice.key == wanted), None)
    if current is None and choices:
        # The chosen one is gone (membership deactivated…) or none was chosen: the first.
        current = choices[0]
        request.session[SESSION_KEY] = current.key
    # Already resolved in one query by `_resolve_current`: keep that very object.
    previous = getattr(request, "_current_organization", None)
    if previous is not None and current is not None and previous.key == current.key:
        current = previous
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
    for attribute in ("_organization_choices", "_current_organization", "_organization_count"):
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
        request.current_organization = SimpleLazyObject(lambda: _resolve_current(request))
        request.organization_choices = SimpleLazyObject(lambda: _resolve(request)[0])
        request.organization_count = SimpleLazyObject(lambda: _organization_count(request))
        return self.get_response(request)
