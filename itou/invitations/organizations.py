"""What differs between the three kinds of organizations a professional can join.

Companies, prescriber organizations and institutions share their membership rules
(itou.utils.models.BaseMembership); this module tells the generic services and screens
which model, which foreign key and which words go with each.
"""

from dataclasses import dataclass

from itou.invitations.enums import OrganizationType


@dataclass(frozen=True)
class OrganizationKind:
    type: OrganizationType
    membership_field: str  # the organization's foreign key on its membership model
    target_field: str  # the organization's foreign key on Invitation and JoinRequest
    the: str  # "la structure"
    of_the: str  # "de la structure"
    to_the: str  # "à la structure"

    @property
    def model(self):
        from itou.companies.models import Company
        from itou.institutions.models import Institution
        from itou.prescribers.models import PrescriberOrganization

        return {
            OrganizationType.COMPANY: Company,
            OrganizationType.PRESCRIBER: PrescriberOrganization,
            OrganizationType.INSTITUTION: Institution,
        }[self.type]

    @property
    def membership_model(self):
        return self.model.memberships.rel.related_model


COMPANY = OrganizationKind(
    OrganizationType.COMPANY, "company", "company", "la structure", "de la structure", "à la structure"
)
PRESCRIBER = OrganizationKind(
    OrganizationType.PRESCRIBER,
    "organization",
    "prescriber_organization",
    "l'organisation",
    "de l'organisation",
    "à l'organisation",
)
INSTITUTION = OrganizationKind(
    OrganizationType.INSTITUTION, "institution", "institution", "l'institution", "de l'institution", "à l'institution"
)
KINDS = {kind.type: kind for kind in (COMPANY, PRESCRIBER, INSTITUTION)}


def kind_of(organization) -> OrganizationKind:
    from itou.companies.models import Company
    from itou.institutions.models import Institution
    from itou.prescribers.models import PrescriberOrganization

    if isinstance(organization, Company):
        return COMPANY
    if isinstance(organization, PrescriberOrganization):
        return PRESCRIBER
    if isinstance(organization, Institution):
        return INSTITUTION
    raise TypeError(f"Not an organization: {organization!r}")


def display_name(organization) -> str:
    return getattr(organization, "display_name", None) or organization.name


def memberships_of(organization):
    """All the memberships (active or not) of `organization`."""
    kind = kind_of(organization)
    return kind.membership_model.objects.filter(**{kind.membership_field: organization})


def membership_of(user, organization):
    """The active membership of `user` in `organization`, or None (one query)."""
    if not (user and user.is_authenticated):
        return None
    return memberships_of(organization).active().filter(user=user).first()


def lock(organization):
    """Lock the organization's row until the end of the transaction.

    Every change of its memberships takes this lock first, so that two admins acting at
    the same time (demoting each other, accepting the same person…) are serialized and
    the second one sees the first one's result.
    """
    return type(organization).objects.select_for_update().get(pk=organization.pk)


def session_key(organization) -> str:
    """The key of itou.organizations.current.CurrentOrganization for this organization."""
    return f"{kind_of(organization).type}:{organization.pk}"


def organization_of(membership):
    """The organization of a membership of any kind."""
    for kind in KINDS.values():
        if isinstance(membership, kind.membership_model):
            return getattr(membership, kind.membership_field)
    raise TypeError(f"Not a membership: {membership!r}")


def act_for(request, organization) -> None:
    """From the next page on, the user acts for `organization` (which they just joined)."""
    from itou.organizations.current import remember_current_organization

    remember_current_organization(request, session_key(organization))
