import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from itou.companies.models import Company, CompanyMembership
from itou.invitations import services
from itou.invitations.enums import JoinRequestStatus
from itou.invitations.models import INVITATION_VALIDITY, Invitation, JoinRequest
from itou.invitations.services import ActionError, AlreadyDone, NewAccount
from itou.prescribers.models import PrescriberMembership
from itou.users.enums import UserKind
from itou.users.models import User
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.helpers import assert_in_email_layout, extract_link, last_email_to
from tests.institutions.factories import InstitutionFactory
from tests.invitations.conftest import emails_to
from tests.invitations.factories import InvitationFactory, JoinRequestFactory
from tests.prescribers.factories import PrescriberMembershipFactory, PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory, StaffFactory

PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture
def company_with_admin():
    admin = ProfessionalFactory(first_name="Nadia")
    company = CompanyFactory(name="Les Jardins", with_member=admin)
    return company, admin


# Memberships ------------------------------------------------------------------------


def test_promote_then_demote_a_member(company_with_admin, sending):
    company, admin = company_with_admin
    member = CompanyMembershipFactory(company=company, user__email="membre@example.com")
    with sending():
        services.membership_set_admin(acting_user=admin, membership=member, is_admin=True)
    member.refresh_from_db()
    assert member.is_admin
    assert "Vous êtes administrateur" in last_email_to("membre@example.com").subject

    services.membership_set_admin(acting_user=admin, membership=member, is_admin=False)
    member.refresh_from_db()
    assert not member.is_admin


def test_promoting_twice_is_already_done(company_with_admin):
    company, admin = company_with_admin
    member = CompanyMembershipFactory(company=company)
    services.membership_set_admin(acting_user=admin, membership=member, is_admin=True)
    with pytest.raises(AlreadyDone, match="Cette action a déjà été effectuée."):
        services.membership_set_admin(acting_user=admin, membership=member, is_admin=True)


def test_the_last_admin_cannot_be_demoted_nor_removed(company_with_admin):
    company, admin = company_with_admin
    own = company.memberships.get(user=admin)
    with pytest.raises(ActionError, match="au moins un administrateur"):
        services.membership_set_admin(acting_user=admin, membership=own, is_admin=False)
    with pytest.raises(ActionError, match="au moins un administrateur"):
        services.membership_deactivate(acting_user=admin, membership=own)
    own.refresh_from_db()
    assert own.is_admin and own.is_active


def test_an_admin_can_step_down_when_another_admin_remains(company_with_admin):
    company, admin = company_with_admin
    CompanyMembershipFactory(company=company, is_admin=True)
    own = company.memberships.get(user=admin)
    services.membership_set_admin(acting_user=admin, membership=own, is_admin=False)
    own.refresh_from_db()
    assert not own.is_admin


def test_a_removed_member_loses_access_at_once(company_with_admin, sending):
    company, admin = company_with_admin
    member = CompanyMembershipFactory(company=company, user__email="parti@example.com")
    assert list(Company.objects.for_member(member.user)) == [company]
    with sending():
        services.membership_deactivate(acting_user=admin, membership=member)
    assert list(Company.objects.for_member(member.user)) == []
    assert "ne faites plus partie" in last_email_to("parti@example.com").subject
    with pytest.raises(AlreadyDone):
        services.membership_deactivate(acting_user=admin, membership=member)


def test_only_admins_of_the_organization_manage_members(company_with_admin):
    company, admin = company_with_admin
    member = CompanyMembershipFactory(company=company)
    other_member = CompanyMembershipFactory(company=company)
    other_admin = CompanyFactory(with_member=True).memberships.get().user
    for user in (member.user, other_admin, StaffFactory()):
        with pytest.raises(PermissionError):
            services.membership_set_admin(acting_user=user, membership=other_member, is_admin=True)
        with pytest.raises(PermissionError):
            services.membership_deactivate(acting_user=user, membership=other_member)


def test_prescriber_memberships_follow_the_same_rules(sending):
    admin = ProfessionalFactory()
    organization = PrescriberOrganizationFactory(with_member=admin)
    member = PrescriberMembershipFactory(organization=organization)
    services.membership_set_admin(acting_user=admin, membership=member, is_admin=True)
    services.membership_set_admin(
        acting_user=member.user, membership=organization.memberships.get(user=admin), is_admin=False
    )
    with pytest.raises(ActionError, match="au moins un administrateur"):
        services.membership_deactivate(
            acting_user=member.user, membership=PrescriberMembership.objects.get(pk=member.pk)
        )


# Invitations ------------------------------------------------------------------------


def test_invitation_is_emailed_with_a_working_link(company_with_admin, sending):
    company, admin = company_with_admin
    with sending():
        invitation = services.invitation_create(
            acting_user=admin, organization=company, email=" Camille@Example.com ", first_name="Camille", last_name="D"
        )
    assert invitation.email == "camille@example.com"
    assert invitation.sent_by == admin
    assert invitation.expires_at - invitation.created_at == INVITATION_VALIDITY
    email = last_email_to("camille@example.com")
    assert "Invitation à rejoindre Les Jardins" in email.subject
    link = extract_link(email.body, "/invitations/")
    assert assert_in_email_layout(email) == link
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert Invitation.pk_from_token(token) == invitation.pk
    assert Invitation.pk_from_token(token + "x") is None


def test_inviting_again_replaces_the_open_invitation(company_with_admin):
    company, admin = company_with_admin
    first = services.invitation_create(acting_user=admin, organization=company, email="camille@example.com")
    second = services.invitation_create(acting_user=admin, organization=company, email="camille@example.com")
    first.refresh_from_db()
    assert first.cancelled_at is not None and first.cancelled_by == admin
    assert list(Invitation.objects.pending()) == [second]


def test_invitation_refuses_job_seekers_and_current_members(company_with_admin):
    company, admin = company_with_admin
    JobSeekerFactory(email="candidat@example.com")
    member = CompanyMembershipFactory(company=company, user__email="deja@example.com")
    with pytest.raises(ActionError, match="compte candidat"):
        services.invitation_create(acting_user=admin, organization=company, email="candidat@example.com")
    with pytest.raises(ActionError, match="fait déjà partie"):
        services.invitation_create(acting_user=admin, organization=company, email=member.user.email.upper())
    assert not Invitation.objects.exists()


def test_who_may_invite():
    company = CompanyFactory(with_member=True)
    member = CompanyMembershipFactory(company=company).user
    staff = StaffFactory()
    institution = InstitutionFactory(with_member=True)
    institution_member = ProfessionalFactory()
    institution.memberships.create(user=institution_member)
    for user, organization in [(member, company), (staff, company), (institution_member, institution)]:
        with pytest.raises(PermissionError):
            services.invitation_create(acting_user=user, organization=organization, email="x@example.com")
    # Institutions: the support team and the institution's admins.
    services.invitation_create(acting_user=staff, organization=institution, email="a@example.com", is_admin=True)
    institution_admin = institution.memberships.get(is_admin=True).user
    services.invitation_create(acting_user=institution_admin, organization=institution, email="b@example.com")
    assert Invitation.objects.filter(institution=institution).count() == 2


def test_accept_invitation_logged_in(company_with_admin, sending):
    company, admin = company_with_admin
    invited = ProfessionalFactory(email="camille@example.com", first_name="Camille")
    invitation = InvitationFactory(company=company, email="camille@example.com", sent_by=admin)
    with sending():
        user, membership = services.invitation_accept(acting_user=invited, invitation=invitation)
    assert user == invited
    assert membership.is_active and not membership.is_admin
    invitation.refresh_from_db()
    assert invitation.accepted_by == invited and invitation.accepted_at
    assert "Camille" in last_email_to(admin.email).subject

    with pytest.raises(AlreadyDone):
        services.invitation_accept(acting_user=invited, invitation=invitation)


def test_accept_invitation_creates_the_account_with_a_verified_email():
    institution = InstitutionFactory(with_member=True)
    invitation = InvitationFactory(company=None, institution=institution, email="inspecteur@example.com", is_admin=True)
    user, membership = services.invitation_accept(
        acting_user=None,
        invitation=invitation,
        new_account=NewAccount(email="ignored@example.com", first_name="Inès", last_name="Pic", password=PASSWORD),
    )
    assert user.email == "inspecteur@example.com"
    assert user.kind == UserKind.PROFESSIONAL
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert membership.institution == institution and membership.is_admin


@pytest.mark.parametrize(
    "change,message",
    [
        ({"expired": True}, "a expiré"),
        ({"cancelled_at": timezone.now()}, "a été annulée"),
    ],
)
def test_expired_or_cancelled_invitation_changes_nothing(change, message):
    invited = ProfessionalFactory(email="camille@example.com")
    invitation = InvitationFactory(email="camille@example.com", **change)
    with pytest.raises(ActionError, match=message):
        services.invitation_accept(acting_user=invited, invitation=invitation)
    assert not CompanyMembership.objects.filter(user=invited).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_for_another_address_is_refused():
    invitation = InvitationFactory(email="camille@example.com")
    someone_else = ProfessionalFactory(email="autre@example.com")
    with pytest.raises(ActionError, match="un autre compte"):
        services.invitation_accept(acting_user=someone_else, invitation=invitation)
    job_seeker = JobSeekerFactory(email="camille@example.com")
    with pytest.raises(ActionError, match="pas un compte professionnel"):
        services.invitation_accept(acting_user=job_seeker, invitation=invitation)


def test_accepting_reactivates_a_former_member_and_answers_their_join_request(company_with_admin):
    company, admin = company_with_admin
    former = CompanyMembershipFactory(company=company, is_active=False, user__email="revient@example.com")
    join_request = JoinRequestFactory(company=company, user=former.user)
    invitation = services.invitation_create(acting_user=admin, organization=company, email="revient@example.com")
    services.invitation_accept(acting_user=former.user, invitation=invitation)
    former.refresh_from_db()
    assert former.is_active
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.ACCEPTED


def test_pending_invitations_apply_only_usable_ones():
    user = ProfessionalFactory(email="camille@example.com")
    usable = InvitationFactory(email="camille@example.com")
    expired = InvitationFactory(email="camille@example.com", expired=True)
    cancelled = InvitationFactory(email="camille@example.com", cancelled_at=timezone.now())
    other = InvitationFactory(email="autre@example.com")
    assert services.pending_invitations_apply(user=user) == [usable]
    assert list(Company.objects.for_member(user)) == [usable.company]
    for invitation in (expired, cancelled, other):
        invitation.refresh_from_db()
        assert invitation.accepted_at is None
    assert services.pending_invitations_apply(user=JobSeekerFactory(email="js@example.com")) == []


def test_cancel_invitation(company_with_admin):
    company, admin = company_with_admin
    invitation = InvitationFactory(company=company)
    with pytest.raises(PermissionError):
        services.invitation_cancel(acting_user=ProfessionalFactory(), invitation=invitation)
    services.invitation_cancel(acting_user=admin, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.cancelled_by == admin
    with pytest.raises(AlreadyDone):
        services.invitation_cancel(acting_user=admin, invitation=invitation)


# Join requests ----------------------------------------------------------------------


def test_join_request_emails_the_admins_and_refuses_duplicates(company_with_admin, sending):
    company, admin = company_with_admin
    CompanyMembershipFactory(company=company, user__email="simple.membre@example.com")
    requester = ProfessionalFactory(first_name="Paul", last_name="Martin")
    with sending():
        join_request = services.join_request_create(acting_user=requester, organization=company)
    assert join_request.status == JoinRequestStatus.PENDING
    assert "Paul MARTIN demande à rejoindre Les Jardins" in last_email_to(admin.email).subject
    assert emails_to("simple.membre@example.com") == []

    with pytest.raises(ActionError, match="déjà demandé"):
        services.join_request_create(acting_user=requester, organization=company)
    with pytest.raises(ActionError, match="faites déjà partie"):
        services.join_request_create(acting_user=admin, organization=company)
    assert JoinRequest.objects.count() == 1


def test_join_request_of_an_organization_without_admin_goes_to_support(sending, settings):
    settings.SUPPORT_EMAIL = "support@example.com"
    organization = PrescriberOrganizationFactory(name="Relais")
    with sending():
        services.join_request_create(acting_user=ProfessionalFactory(), organization=organization)
    assert "n'a pas d'administrateur" in last_email_to("support@example.com").subject


def test_accept_join_request_twice(company_with_admin, sending):
    company, admin = company_with_admin
    join_request = JoinRequestFactory(company=company, user__email="paul@example.com")
    with sending():
        services.join_request_accept(acting_user=admin, join_request=join_request)
    membership = company.memberships.get(user=join_request.user)
    assert membership.is_active and not membership.is_admin
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.ACCEPTED and join_request.decided_by == admin
    assert "Vous avez rejoint Les Jardins" in last_email_to("paul@example.com").subject

    with pytest.raises(AlreadyDone, match="Cette action a déjà été effectuée."):
        services.join_request_accept(acting_user=admin, join_request=join_request)
    with pytest.raises(AlreadyDone):
        services.join_request_decline(acting_user=admin, join_request=join_request)


def test_decline_join_request(company_with_admin, sending):
    company, admin = company_with_admin
    join_request = JoinRequestFactory(company=company, user__email="paul@example.com")
    with pytest.raises(PermissionError):
        services.join_request_decline(acting_user=ProfessionalFactory(), join_request=join_request)
    with sending():
        services.join_request_decline(acting_user=admin, join_request=join_request)
    assert not company.memberships.filter(user=join_request.user).exists()
    assert "refusée" in last_email_to("paul@example.com").subject


def test_support_accepts_for_an_organization_without_admin():
    organization = PrescriberOrganizationFactory()
    join_request = JoinRequestFactory(company=None, prescriber_organization=organization)
    services.join_request_accept(acting_user=StaffFactory(), join_request=join_request)
    assert organization.memberships.get(user=join_request.user).is_admin


def test_new_account_with_a_join_request_needs_email_verification():
    company = CompanyFactory(with_member=True)
    join_request = services.join_request_create(
        acting_user=None,
        organization=company,
        new_account=NewAccount(email="Paul@Example.com", first_name="Paul", last_name="M", password=PASSWORD),
    )
    assert join_request.user.email == "paul@example.com"
    assert not EmailAddress.objects.get(user=join_request.user).verified
    with pytest.raises(ActionError, match="Un compte existe déjà"):
        services.join_request_create(
            acting_user=None,
            organization=company,
            new_account=NewAccount(email="paul@example.com", first_name="P", last_name="M", password=PASSWORD),
        )
    assert User.objects.filter(email="paul@example.com").count() == 1


def test_pending_invitation_expiry_boundary():
    invitation = InvitationFactory(created_at=timezone.now() - INVITATION_VALIDITY + datetime.timedelta(minutes=1))
    assert invitation.is_pending
    assert list(Invitation.objects.pending()) == [invitation]
