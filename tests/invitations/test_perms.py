"""Who may do what, for each role of the fixed cast."""

import pytest

from itou.companies import perms as company_perms
from itou.companies.enums import CompanyKind
from itou.invitations import perms
from itou.prescribers import perms as prescriber_perms
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.institutions.factories import InstitutionFactory, InstitutionMembershipFactory
from tests.invitations.factories import InvitationFactory, JoinRequestFactory
from tests.prescribers.factories import PrescriberMembershipFactory, PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory, StaffFactory


@pytest.fixture(params=["company", "prescriber", "institution"])
def cast(request):
    """An organization with an admin and a plain member; an admin of another organization."""
    admin, member, other_admin = ProfessionalFactory(), ProfessionalFactory(), ProfessionalFactory()
    match request.param:
        case "company":
            organization = CompanyFactory(with_member=admin)
            CompanyMembershipFactory(company=organization, user=member)
            CompanyFactory(with_member=other_admin)
        case "prescriber":
            organization = PrescriberOrganizationFactory(with_member=admin)
            PrescriberMembershipFactory(organization=organization, user=member)
            PrescriberOrganizationFactory(with_member=other_admin)
        case _:
            organization = InstitutionFactory(with_member=admin)
            InstitutionMembershipFactory(institution=organization, user=member)
            InstitutionFactory(department__code="59", department__name="Nord", with_member=other_admin)
    return organization, admin, member, other_admin


def test_members_management(cast):
    organization, admin, member, other_admin = cast
    from django.contrib.auth.models import AnonymousUser

    job_seeker = JobSeekerFactory()
    assert perms.can_view_members(admin, organization)
    assert perms.can_view_members(member, organization)
    assert not perms.can_view_members(other_admin, organization)
    assert not perms.can_view_members(job_seeker, organization)
    assert not perms.can_view_members(AnonymousUser(), organization)

    assert perms.can_manage_members(admin, organization)
    for user in (member, other_admin, job_seeker, AnonymousUser()):
        assert not perms.can_manage_members(user, organization)

    assert perms.can_invite(admin, organization)
    assert not perms.can_invite(member, organization)
    assert not perms.can_invite(other_admin, organization)


def test_staff_invite_to_institutions_only():
    staff = StaffFactory()
    assert perms.can_invite(staff, InstitutionFactory())
    assert not perms.can_invite(staff, CompanyFactory())
    assert not perms.can_invite(staff, PrescriberOrganizationFactory())


def test_deciding_join_requests_and_cancelling_invitations():
    join_request = JoinRequestFactory()
    admin = join_request.company.memberships.get().user
    assert perms.can_decide_join_request(admin, join_request)
    assert perms.can_decide_join_request(StaffFactory(), join_request)
    assert not perms.can_decide_join_request(ProfessionalFactory(), join_request)
    assert not perms.can_decide_join_request(join_request.user, join_request)
    invitation = InvitationFactory(company=join_request.company)
    assert perms.can_cancel_invitation(admin, invitation)
    assert perms.can_cancel_invitation(StaffFactory(), invitation)
    assert not perms.can_cancel_invitation(ProfessionalFactory(), invitation)


def test_accepting_an_invitation():
    invitation = InvitationFactory(email="camille@example.com")
    assert perms.can_accept_invitation(ProfessionalFactory(email="Camille@example.com"), invitation)
    assert not perms.can_accept_invitation(ProfessionalFactory(), invitation)
    assert not perms.can_accept_invitation(JobSeekerFactory(email="camille2@example.com"), invitation)


def test_signup_link_rules():
    assert company_perms.can_receive_signup_link(CompanyFactory(official_email="a@example.com"))
    assert not company_perms.can_receive_signup_link(CompanyFactory())
    assert not company_perms.can_receive_signup_link(CompanyFactory(kind=CompanyKind.OPCS, official_email="a@b.fr"))
    assert not company_perms.can_receive_signup_link(CompanyFactory(is_active=False, official_email="a@b.fr"))


def test_authorization_decisions_are_for_staff():
    assert prescriber_perms.can_decide_authorization(StaffFactory())
    assert not prescriber_perms.can_decide_authorization(ProfessionalFactory())
    assert prescriber_perms.can_create_prescriber_organization(ProfessionalFactory())
    assert not prescriber_perms.can_create_prescriber_organization(JobSeekerFactory())
