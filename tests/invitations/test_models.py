import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from itou.invitations.enums import InvitationStatus, JoinRequestStatus
from itou.invitations.models import Invitation, JoinRequest
from tests.companies.factories import CompanyFactory
from tests.invitations.factories import InvitationFactory, JoinRequestFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import ProfessionalFactory


def _fails(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        kwargs.pop("model").objects.create(**kwargs)


def test_exactly_one_organization():
    company, organization = CompanyFactory(), PrescriberOrganizationFactory()
    now = timezone.now()
    _fails(model=Invitation, email="a@example.com", expires_at=now)
    _fails(
        model=Invitation, email="a@example.com", expires_at=now, company=company, prescriber_organization=organization
    )
    user = ProfessionalFactory()
    _fails(model=JoinRequest, user=user)
    _fails(model=JoinRequest, user=user, company=company, prescriber_organization=organization)


def test_one_open_invitation_per_address_and_organization():
    invitation = InvitationFactory(email="a@example.com")
    _fails(model=Invitation, email="a@example.com", company=invitation.company, expires_at=timezone.now())
    invitation.cancelled_at = timezone.now()
    invitation.save()
    InvitationFactory(email="a@example.com", company=invitation.company)


def test_one_pending_join_request_per_user_and_organization():
    join_request = JoinRequestFactory()
    _fails(model=JoinRequest, user=join_request.user, company=join_request.company)
    # A decided request has a decision date.
    _fails(
        model=JoinRequest, user=ProfessionalFactory(), company=join_request.company, status=JoinRequestStatus.ACCEPTED
    )


def test_invitation_email_is_lowercased_and_statuses():
    invitation = InvitationFactory(email=" Camille@Example.COM ")
    assert invitation.email == "camille@example.com"
    assert invitation.status == InvitationStatus.PENDING
    assert InvitationFactory(expired=True).status == InvitationStatus.EXPIRED
    assert InvitationFactory(cancelled_at=timezone.now()).status == InvitationStatus.CANCELLED
    assert str(invitation).startswith("Invitation de camille@example.com")


def test_token_is_signed():
    invitation = InvitationFactory()
    assert Invitation.pk_from_token(invitation.token) == invitation.pk
    assert Invitation.pk_from_token("MQ:1u0:faux") is None
    assert invitation.get_accept_path() == f"/invitations/{invitation.token}/"
