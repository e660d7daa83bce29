"""Prescriber organizations: creation at signup, joining one, and the staff's decision on
their authorization ("habilitation")."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from itou.companies.validators import clean_siret
from itou.invitations import emails
from itou.invitations.models import JoinRequest
from itou.invitations.organizations import lock, memberships_of
from itou.invitations.services import (
    NOT_ALLOWED,
    ActionError,
    AlreadyDone,
    NewAccount,
    acting_or_new_user,
    add_member,
    join_request_create,
)
from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberOrganization, default_authorization_status
from itou.prescribers.perms import can_create_prescriber_organization, can_decide_authorization
from itou.users.models import User

Status = PrescriberAuthorizationStatus

# The authorization's state machine: what the support team may decide from each status.
# NOT_SET is a claim waiting for them; a decision can be reversed (a prefect's new order).
AUTHORIZATION_TRANSITIONS = {
    Status.NOT_SET: {Status.VALIDATED, Status.REFUSED},
    Status.NOT_REQUIRED: {Status.VALIDATED, Status.REFUSED},
    Status.VALIDATED: {Status.REFUSED},
    Status.REFUSED: {Status.VALIDATED},
}


def prescriber_organizations_for_siret(siret: str) -> QuerySet:
    """The organizations registered with this exact SIRET (one per kind at most)."""
    return PrescriberOrganization.objects.filter(siret=siret).select_related("commune").order_by("name", "pk")


@dataclass(frozen=True)
class PrescriberSignupResult:
    user: User
    organization: PrescriberOrganization


@transaction.atomic
def prescriber_organization_create(
    *,
    acting_user: User | None,
    new_account: NewAccount | None = None,
    siret: str,
    kind: str,
    name: str,
    address_line: str = "",
    post_code: str = "",
    commune=None,
) -> PrescriberSignupResult:
    """Create an organization whose creator (logged in, or the account created with it)
    becomes its admin.

    Kinds authorized by law are validated at once; the others wait for the support team
    (authorization NOT_SET: a claim that staff review), who are told by email.
    """
    user = acting_or_new_user(acting_user=acting_user, new_account=new_account)
    if not can_create_prescriber_organization(user):
        raise PermissionError(NOT_ALLOWED)
    siret = clean_siret(siret)
    if kind not in PrescriberOrganizationKind.values:
        raise ActionError("Choisissez le type de votre organisation dans la liste.")
    if PrescriberOrganization.objects.filter(siret=siret, kind=kind).exists():
        raise ActionError(
            "Une organisation de ce type existe déjà avec ce SIRET : demandez à la rejoindre plutôt que de la créer."
        )
    organization = PrescriberOrganization(
        siret=siret,
        kind=kind,
        name=name.strip(),
        address_line=address_line.strip(),
        post_code=post_code.strip(),
        commune=commune,
        latitude=commune.latitude if commune else None,
        longitude=commune.longitude if commune else None,
        authorization_status=default_authorization_status(kind),
        created_by=user,
    )
    if organization.authorization_status == Status.VALIDATED:
        organization.authorization_updated_at = timezone.now()
    try:
        organization.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ActionError(" ".join(error.messages))
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:  # created by someone else a moment ago
        raise ActionError(
            "Une organisation de ce type existe déjà avec ce SIRET : demandez à la rejoindre plutôt que de la créer."
        )
    add_member(organization=organization, user=user, is_admin=True)
    if organization.authorization_status == Status.NOT_SET:
        emails.send(
            "authorization_claim_new",
            to=emails.support_email(),
            context={
                "organization": organization,
                "creator": user,
                "admin_url": emails.absolute_url(
                    reverse("admin:prescribers_prescriberorganization_change", args=[organization.pk])
                ),
            },
        )
    return PrescriberSignupResult(user=user, organization=organization)


def prescriber_organization_join_request(
    *, acting_user: User | None, new_account: NewAccount | None = None, organization: PrescriberOrganization
) -> JoinRequest:
    """Ask to join an existing organization (its admins accept or decline)."""
    return join_request_create(acting_user=acting_user, new_account=new_account, organization=organization)


@transaction.atomic
def prescriber_organization_authorization_decide(
    *, acting_user: User, organization: PrescriberOrganization, status: str
) -> PrescriberOrganization:
    """The support team validates or refuses an authorization; the organization's active
    members are emailed either way."""
    if not can_decide_authorization(acting_user):
        raise PermissionError(NOT_ALLOWED)
    organization = lock(organization)
    if organization.authorization_status == status:
        raise AlreadyDone()
    if status not in AUTHORIZATION_TRANSITIONS.get(organization.authorization_status, set()):
        raise ActionError("Cette décision n'est pas possible depuis le statut actuel de l'habilitation.")
    organization.authorization_status = status
    organization.authorization_updated_at = timezone.now()
    organization.authorization_updated_by = acting_user
    organization.save(update_fields=["authorization_status", "authorization_updated_at", "authorization_updated_by"])
    members = User.objects.filter(pk__in=memberships_of(organization).active().values("user"))
    emails.send_to_each(
        "authorization_decided",
        users=members,
        context={"organization": organization, "validated": status == Status.VALIDATED},
    )
    return organization


def prescriber_organization_authorization_validate(*, acting_user: User, organization: PrescriberOrganization):
    return prescriber_organization_authorization_decide(
        acting_user=acting_user, organization=organization, status=Status.VALIDATED
    )


def prescriber_organization_authorization_refuse(*, acting_user: User, organization: PrescriberOrganization):
    return prescriber_organization_authorization_decide(
        acting_user=acting_user, organization=organization, status=Status.REFUSED
    )
