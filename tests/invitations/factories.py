"""Factories of invitations, join requests and employer signup links."""

import datetime
import secrets

import factory
from django.utils import timezone

from itou.invitations.models import (
    COMPANY_SIGNUP_LINK_VALIDITY,
    INVITATION_VALIDITY,
    CompanySignupLink,
    Invitation,
    JoinRequest,
    hash_token,
)
from tests.companies.factories import CompanyFactory
from tests.users.factories import ProfessionalFactory


def _first_admin(organization):
    membership = organization.memberships.admins().select_related("user").first()
    return membership.user if membership else None


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation to a company unless `prescriber_organization=` or `institution=` is given
    (then pass `company=None`). `expired=True` makes it expired."""

    class Meta:
        model = Invitation

    class Params:
        expired = factory.Trait(
            created_at=factory.LazyFunction(lambda: timezone.now() - INVITATION_VALIDITY - datetime.timedelta(days=1))
        )

    email = factory.Sequence(lambda n: f"invite{n}@example.com")
    first_name = "Camille"
    last_name = "Durand"
    company = factory.SubFactory(CompanyFactory, with_member=True)
    prescriber_organization = None
    institution = None
    sent_by = factory.LazyAttribute(lambda o: _first_admin(o.company or o.prescriber_organization or o.institution))
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + INVITATION_VALIDITY)


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    user = factory.SubFactory(ProfessionalFactory)
    company = factory.SubFactory(CompanyFactory, with_member=True)
    prescriber_organization = None
    institution = None


def make_signup_link(company, *, expired=False, used_by=None) -> tuple[CompanySignupLink, str]:
    """A signup link and its token (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    created_at = now - COMPANY_SIGNUP_LINK_VALIDITY - datetime.timedelta(hours=1) if expired else now
    link = CompanySignupLink.objects.create(
        company=company,
        email=company.official_email or "officiel@example.com",
        token_hash=hash_token(token),
        created_at=created_at,
        expires_at=created_at + COMPANY_SIGNUP_LINK_VALIDITY,
        used_at=now if used_by else None,
        used_by=used_by,
    )
    return link, token
