"""The support team's back-office: authorization claims, join requests, invitations,
signup links and support requests."""

from django.urls import reverse

from itou.invitations.enums import JoinRequestStatus
from itou.invitations.models import Invitation, SupportRequest
from itou.prescribers.enums import PrescriberAuthorizationStatus
from tests.companies.factories import CompanyFactory, login_as_staff, siret_for
from tests.helpers import extract_link, last_email_to
from tests.institutions.factories import InstitutionFactory
from tests.invitations.factories import InvitationFactory, JoinRequestFactory, make_signup_link
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import ProfessionalFactory


def _action(client, model_url, action, objects):
    return client.post(
        reverse(model_url), {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def test_validate_and_refuse_authorization_claims(client, sending):
    claim = PrescriberOrganizationFactory(name="CHRS Soleil", with_member=True)
    member = claim.memberships.get().user
    other = PrescriberOrganizationFactory(name="CCAS Lune", with_member=True)
    staff = login_as_staff(client)
    url = "admin:prescribers_prescriberorganization_changelist"
    with sending():
        response = _action(client, url, "validate_authorization", [claim])
    assert "Habilitation validée pour 1 organisation(s)" in response.content.decode()
    claim.refresh_from_db()
    assert claim.authorization_status == PrescriberAuthorizationStatus.VALIDATED
    assert claim.authorization_updated_by == staff
    assert "Habilitation validée" in last_email_to(member.email).subject

    with sending():
        response = _action(client, url, "refuse_authorization", [claim, other])
    html = response.content.decode()
    assert "Habilitation refusée pour 2 organisation(s)" in html
    other.refresh_from_db()
    assert other.authorization_status == PrescriberAuthorizationStatus.REFUSED
    assert "Habilitation refusée" in last_email_to(other.memberships.get().user.email).subject

    # Refusing again: a warning, nothing else.
    response = _action(client, url, "refuse_authorization", [other])
    assert "Cette action a déjà été effectuée." in response.content.decode()


def test_changing_the_status_in_the_form_emails_members(client, sending):
    organization = PrescriberOrganizationFactory(with_member=True)
    login_as_staff(client)
    url = reverse("admin:prescribers_prescriberorganization_change", args=[organization.pk])
    data = {
        "kind": organization.kind,
        "siret": organization.siret,
        "name": organization.name,
        "address_line": organization.address_line,
        "post_code": organization.post_code,
        "commune": "",
        "phone": "",
        "email": "",
        "authorization_status": PrescriberAuthorizationStatus.VALIDATED,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": organization.memberships.get().pk,
        "memberships-0-organization": organization.pk,
        "memberships-0-user": organization.memberships.get().user.pk,
        "memberships-0-is_admin": "on",
        "memberships-0-is_active": "on",
    }
    with sending():
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Habilitation validée" in last_email_to(organization.memberships.get().user.email).subject


def test_join_requests_accepted_by_staff(client, sending):
    organization = PrescriberOrganizationFactory()  # no admin: the request went to support
    join_request = JoinRequestFactory(company=None, prescriber_organization=organization, user__email="p@example.com")
    login_as_staff(client)
    response = client.get(reverse("admin:invitations_joinrequest_changelist"), {"status__exact": "PENDING"})
    assert response.status_code == 200
    assert organization.name in response.content.decode()
    assert client.get(reverse("admin:invitations_joinrequest_change", args=[join_request.pk])).status_code == 200
    with sending():
        response = _action(client, "admin:invitations_joinrequest_changelist", "accept_requests", [join_request])
    assert "1 demande(s) acceptée(s)." in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.ACCEPTED
    assert organization.memberships.get(user=join_request.user).is_admin
    assert "Vous avez rejoint" in last_email_to("p@example.com").subject


def test_staff_invite_a_labor_inspector(client, sending):
    institution = InstitutionFactory(name="DDETS du Rhône")
    login_as_staff(client)
    add_url = reverse("admin:invitations_invitation_add")
    response = client.get(add_url, {"institution": institution.pk})
    assert response.status_code == 200
    data = {
        "email": "Inspecteur@Example.com",
        "first_name": "Inès",
        "last_name": "Pic",
        "institution": institution.pk,
        "is_admin": "on",
    }
    with sending():
        response = client.post(add_url, data)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.institution == institution and invitation.is_admin
    email = last_email_to("inspecteur@example.com")
    assert "DDETS du Rhône" in email.subject
    assert extract_link(email.body, "/invitations/")

    # The same person once a member: a message, no error page.
    institution.memberships.create(user=ProfessionalFactory(email="deja@example.com"))
    response = client.post(add_url, data | {"email": "deja@example.com"}, follow=True)
    assert "fait déjà partie" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_invitations_list_and_cancel(client):
    pending = InvitationFactory(email="a@example.com")
    expired = InvitationFactory(email="b@example.com", expired=True)
    login_as_staff(client)
    url = reverse("admin:invitations_invitation_changelist")
    html = client.get(url, {"statut": "PENDING"}).content.decode()
    assert "a@example.com" in html and "b@example.com" not in html
    html = client.get(url, {"statut": "EXPIRED"}).content.decode()
    assert "b@example.com" in html
    assert client.get(reverse("admin:invitations_invitation_change", args=[expired.pk])).status_code == 200
    response = _action(client, "admin:invitations_invitation_changelist", "cancel_invitations", [pending])
    assert "1 invitation(s) annulée(s)." in response.content.decode()
    pending.refresh_from_db()
    assert pending.cancelled_at is not None


def test_support_requests_and_signup_links(client):
    company = CompanyFactory(official_email="contact@example.com")
    make_signup_link(company)
    support_request = SupportRequest.objects.create(
        first_name="Paul",
        last_name="Martin",
        email="paul@example.com",
        siret=siret_for(42),
        company_name="Nouvelle ACI",
        message="Bonjour",
    )
    login_as_staff(client)
    response = client.get(reverse("admin:invitations_supportrequest_change", args=[support_request.pk]))
    html = response.content.decode()
    assert "Créer la structure avec ces informations" in html
    add_url = reverse("admin:companies_company_add")
    assert f"{add_url}?siret={support_request.siret}" in html
    response = client.get(add_url, {"siret": support_request.siret, "name": "Nouvelle ACI"})
    assert "Nouvelle ACI" in response.content.decode()
    response = _action(client, "admin:invitations_supportrequest_changelist", "mark_handled", [support_request])
    support_request.refresh_from_db()
    assert support_request.handled_at is not None
    response = client.get(reverse("admin:invitations_companysignuplink_changelist"), {"company__id__exact": company.pk})
    assert response.status_code == 200
    assert "contact@example.com" in response.content.decode()


def test_organization_pages_link_to_invitations_and_requests(client):
    company = CompanyFactory(with_member=True)
    organization = PrescriberOrganizationFactory(with_member=True)
    institution = InstitutionFactory(with_member=True)
    login_as_staff(client)
    html = client.get(reverse("admin:companies_company_change", args=[company.pk])).content.decode()
    assert "adresse e-mail officielle" in html.lower()
    assert "Demandes pour rejoindre" in html
    html = client.get(reverse("admin:prescribers_prescriberorganization_change", args=[organization.pk])).content
    assert "Demandes pour rejoindre" in html.decode()
    html = client.get(reverse("admin:institutions_institution_change", args=[institution.pk])).content.decode()
    assert "Inviter un membre" in html
    for url, param, pk in [
        ("admin:invitations_invitation_changelist", "company__id__exact", company.pk),
        ("admin:invitations_joinrequest_changelist", "prescriber_organization__id__exact", organization.pk),
        ("admin:invitations_invitation_changelist", "institution__id__exact", institution.pk),
    ]:
        response = client.get(reverse(url), {param: pk})
        assert response.status_code == 200
        assert "?e=1" not in response.get("Location", "")
