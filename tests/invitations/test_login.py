"""Pending invitations are accepted when their addressee logs in."""

from django.urls import reverse

from itou.companies.models import Company
from tests.invitations.factories import InvitationFactory
from tests.users.factories import DEFAULT_PASSWORD, ProfessionalFactory


def test_pending_invitations_are_accepted_at_login(client):
    user = ProfessionalFactory(email="camille@example.com")
    invitation = InvitationFactory(email="camille@example.com", company__name="Les Jardins")
    expired = InvitationFactory(email="camille@example.com", expired=True)
    response = client.post(
        reverse("account_login"), {"login": "camille@example.com", "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    html = response.content.decode()
    assert "Invitation acceptée : vous faites maintenant partie de la structure Les Jardins." in html
    assert list(Company.objects.for_member(user)) == [invitation.company]
    assert client.session["current_organization"] == f"company:{invitation.company.pk}"
    expired.refresh_from_db()
    assert expired.accepted_at is None


def test_login_without_invitation_is_unchanged(client):
    ProfessionalFactory(email="camille@example.com")
    response = client.post(reverse("account_login"), {"login": "camille@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
