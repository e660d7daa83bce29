"""Services of the employers' and prescribers' signup, and of authorization decisions."""

import pytest
from allauth.account.models import EmailAddress

from itou.companies import services as company_services
from itou.companies.enums import CompanyKind
from itou.invitations.models import CompanySignupLink, JoinRequest, SupportRequest, hash_token
from itou.invitations.services import ActionError, AlreadyDone, NewAccount
from itou.notifications.models import SentEmail
from itou.prescribers import services as prescriber_services
from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberOrganization
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory, siret_for
from tests.helpers import extract_link, last_email_to
from tests.invitations.conftest import emails_to
from tests.invitations.factories import make_signup_link
from tests.prescribers.factories import PrescriberMembershipFactory, PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory, StaffFactory

PASSWORD = "Un-mot-de-passe-solide-2026"


def account(email="paul@example.com"):
    return NewAccount(email=email, first_name="Paul", last_name="Martin", password=PASSWORD)


# Employer signup --------------------------------------------------------------------


def test_signup_candidates_same_siret_first_then_same_siren():
    siret = siret_for(1234)
    exact = CompanyFactory(siret=siret, kind=CompanyKind.ACI, name="Zèbre")
    same_siret_other_kind = CompanyFactory(siret=siret, kind=CompanyKind.EI, name="Abeille")
    same_siren = CompanyFactory(siret=siret[:9] + "00029", kind=CompanyKind.ACI, name="Antenne")
    CompanyFactory(siret=siret[:9] + "00037", kind=CompanyKind.OPCS)  # signs up by invitation only
    CompanyFactory(siret=siret[:9] + "00045", kind=CompanyKind.EA, is_active=False)
    CompanyFactory()  # another SIREN
    candidates = list(company_services.company_signup_candidates(siret))
    assert candidates == [same_siret_other_kind, exact, same_siren]


def test_signup_link_is_emailed_to_the_official_address(sending):
    company = CompanyFactory(name="Les Jardins", official_email="contact@jardins.fr")
    with sending():
        link = company_services.company_signup_link_send(company=company)
    email = last_email_to("contact@jardins.fr")
    assert "Les Jardins" in email.subject
    url = extract_link(email.body, "/comptes/inscription/employeur/lien/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert link.token_hash == hash_token(token)
    assert token not in link.token_hash  # only the hash is stored
    assert link.email == "contact@jardins.fr"


def test_signup_link_is_not_sent_again_within_minutes(sending):
    company = CompanyFactory(official_email="contact@jardins.fr")
    company_services.company_signup_link_send(company=company)
    with pytest.raises(ActionError, match="c•••@jardins.fr"):
        company_services.company_signup_link_send(company=company)
    assert CompanySignupLink.objects.count() == 1


def test_signup_link_needs_an_official_email_and_an_online_kind():
    with pytest.raises(ActionError, match="pas d'adresse e-mail officielle"):
        company_services.company_signup_link_send(company=CompanyFactory(official_email=""))
    with pytest.raises(ActionError, match="écrivez à l'équipe support"):
        company_services.company_signup_link_send(
            company=CompanyFactory(kind=CompanyKind.OPCS, official_email="opcs@example.com")
        )
    assert not CompanySignupLink.objects.exists()


def test_an_antenne_uses_its_parent_official_email(sending):
    parent = CompanyFactory(official_email="siege@example.com")
    antenne = CompanyFactory(parent=parent, siret=parent.siret[:9] + "00029", official_email="")
    with sending():
        company_services.company_signup_link_send(company=antenne)
    assert last_email_to("siege@example.com")


def test_first_member_becomes_admin_with_a_verified_official_email():
    company = CompanyFactory(official_email="contact@jardins.fr")
    link, token = make_signup_link(company)
    result = company_services.company_join_with_signup_link(
        acting_user=None, token=token, new_account=account("Contact@Jardins.fr")
    )
    assert result.membership.is_admin and result.membership.company == company
    assert result.join_request is None
    assert EmailAddress.objects.get(user=result.user).verified
    link.refresh_from_db()
    assert link.used_by == result.user and link.used_at


def test_another_address_must_be_verified():
    company = CompanyFactory(official_email="contact@jardins.fr")
    _link, token = make_signup_link(company)
    result = company_services.company_join_with_signup_link(acting_user=None, token=token, new_account=account())
    assert not EmailAddress.objects.get(user=result.user).verified


def test_later_members_send_a_join_request(sending):
    admin = ProfessionalFactory(email="admin@jardins.fr")
    company = CompanyFactory(official_email="contact@jardins.fr", with_member=admin)
    _link, token = make_signup_link(company)
    with sending():
        result = company_services.company_join_with_signup_link(acting_user=None, token=token, new_account=account())
    assert result.membership is None
    assert result.join_request.user == result.user
    assert not company.memberships.filter(user=result.user).exists()
    assert "demande à rejoindre" in last_email_to("admin@jardins.fr").subject


def test_reused_or_expired_link_changes_nothing():
    company = CompanyFactory(official_email="contact@jardins.fr")
    _link, token = make_signup_link(company)
    company_services.company_join_with_signup_link(acting_user=None, token=token, new_account=account())
    with pytest.raises(AlreadyDone, match="déjà été utilisé"):
        company_services.company_join_with_signup_link(
            acting_user=None, token=token, new_account=account("autre@example.com")
        )
    _expired, expired_token = make_signup_link(CompanyFactory(), expired=True)
    with pytest.raises(ActionError, match="a expiré"):
        company_services.company_join_with_signup_link(
            acting_user=None, token=expired_token, new_account=account("encore@example.com")
        )
    with pytest.raises(ActionError, match="n'est pas valable"):
        company_services.company_join_with_signup_link(acting_user=None, token="faux", new_account=account("x@y.fr"))
    assert not JoinRequest.objects.exists()
    assert company.memberships.count() == 1


def test_logged_in_professional_joins_with_the_link():
    pro = ProfessionalFactory()
    CompanyMembershipFactory(user=pro)  # already in another structure
    company = CompanyFactory()
    _link, token = make_signup_link(company)
    result = company_services.company_join_with_signup_link(acting_user=pro, token=token)
    assert result.membership.user == pro and result.membership.is_admin


def test_a_job_seeker_cannot_use_a_signup_link():
    _link, token = make_signup_link(CompanyFactory())
    with pytest.raises(ActionError, match="pas un compte professionnel"):
        company_services.company_join_with_signup_link(acting_user=JobSeekerFactory(), token=token)


def test_support_request_reaches_the_support_team(sending, settings):
    settings.SUPPORT_EMAIL = "support@example.com"
    with sending():
        support_request = company_services.company_support_request_create(
            acting_user=None,
            first_name="Paul",
            last_name="Martin",
            email="Paul@Example.com",
            siret=siret_for(99),
            company_name="Nouvelle ACI",
            company_kind=CompanyKind.ACI,
            message="Conventionnée le mois dernier.",
        )
    assert SupportRequest.objects.get() == support_request
    email = last_email_to("support@example.com")
    assert "Nouvelle ACI" in email.subject
    assert "paul@example.com" in email.body
    assert "Conventionnée le mois dernier." in email.body


# Prescriber signup ------------------------------------------------------------------


def test_organization_authorized_by_law_is_validated_at_once(sending, settings):
    settings.SUPPORT_EMAIL = "support@example.com"
    with sending():
        result = prescriber_services.prescriber_organization_create(
            acting_user=None,
            new_account=account(),
            siret=siret_for(7, prefix="3"),
            kind=PrescriberOrganizationKind.ML,
            name="Mission locale de Roubaix",
        )
    organization = result.organization
    assert organization.authorization_status == PrescriberAuthorizationStatus.VALIDATED
    assert organization.authorization_updated_at is not None
    assert organization.created_by == result.user
    assert organization.memberships.get().is_admin
    assert emails_to("support@example.com") == []


def test_other_kinds_are_an_authorization_claim_for_staff(sending, settings):
    settings.SUPPORT_EMAIL = "support@example.com"
    pro = ProfessionalFactory()
    with sending():
        result = prescriber_services.prescriber_organization_create(
            acting_user=pro, siret=siret_for(8, prefix="3"), kind=PrescriberOrganizationKind.CHRS, name="CHRS Soleil"
        )
    assert result.organization.authorization_status == PrescriberAuthorizationStatus.NOT_SET
    assert result.user == pro
    assert "Habilitation à vérifier : CHRS Soleil" in last_email_to("support@example.com").subject


def test_an_organization_is_created_once_per_siret_and_kind():
    existing = PrescriberOrganizationFactory(kind=PrescriberOrganizationKind.CCAS)
    with pytest.raises(ActionError, match="existe déjà"):
        prescriber_services.prescriber_organization_create(
            acting_user=ProfessionalFactory(), siret=existing.siret, kind=PrescriberOrganizationKind.CCAS, name="Bis"
        )
    with pytest.raises(ActionError):
        prescriber_services.prescriber_organization_create(
            acting_user=ProfessionalFactory(), siret=existing.siret, kind="NOPE", name="Bis"
        )
    assert PrescriberOrganization.objects.count() == 1


def test_authorization_decision_by_staff_emails_active_members(sending):
    organization = PrescriberOrganizationFactory(name="CHRS Soleil", with_member=True)
    member = organization.memberships.get().user
    former = PrescriberMembershipFactory(organization=organization, is_active=False).user
    staff = StaffFactory()
    with sending():
        prescriber_services.prescriber_organization_authorization_validate(acting_user=staff, organization=organization)
    organization.refresh_from_db()
    assert organization.is_authorized
    assert organization.authorization_updated_by == staff and organization.authorization_updated_at
    assert "Habilitation validée pour CHRS Soleil" in last_email_to(member.email).subject
    assert emails_to(former.email) == []

    with pytest.raises(AlreadyDone):
        prescriber_services.prescriber_organization_authorization_validate(acting_user=staff, organization=organization)
    with sending():
        prescriber_services.prescriber_organization_authorization_refuse(acting_user=staff, organization=organization)
    assert "Habilitation refusée" in last_email_to(member.email).subject


def test_only_staff_decide_authorizations():
    organization = PrescriberOrganizationFactory(with_member=True)
    admin = organization.memberships.get().user
    with pytest.raises(PermissionError):
        prescriber_services.prescriber_organization_authorization_validate(acting_user=admin, organization=organization)
    organization.refresh_from_db()
    assert organization.authorization_status == PrescriberAuthorizationStatus.NOT_SET
    assert not SentEmail.objects.exists()
