from allauth.account.models import EmailAddress
from django.urls import reverse

from itou.companies.models import Company
from itou.institutions.models import Institution
from itou.users.models import User
from tests.institutions.factories import InstitutionFactory
from tests.invitations.factories import InvitationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

PASSWORD = "Un-mot-de-passe-solide-2026"


def url_for(invitation):
    return reverse("invitations:accept", kwargs={"token": invitation.token})


def signup_data(**overrides):
    return {"first_name": "Inès", "last_name": "Pic", "password1": PASSWORD, "password2": PASSWORD} | overrides


def test_new_person_creates_the_account_and_joins(client):
    institution = InstitutionFactory(name="DDETS du Rhône", with_member=True)
    invitation = InvitationFactory(
        company=None, institution=institution, email="ines.pic@example.com", first_name="Inès", is_admin=True
    )
    url = url_for(invitation)
    html = client.get(url).content.decode()
    assert "Invitation à rejoindre DDETS du Rhône" in html
    assert "ines.pic@example.com" in html
    assert 'name="email"' not in html  # imposed by the invitation
    assert 'value="Inès"' in html

    response = client.post(url, signup_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    html = response.content.decode()
    assert "Bienvenue ! Vous faites maintenant partie de l&#x27;institution DDETS du Rhône." in html
    user = User.objects.get(email="ines.pic@example.com")
    assert response.context["user"] == user  # logged in: the link proved the address
    assert EmailAddress.objects.get(user=user).verified
    assert list(Institution.objects.for_member(user)) == [institution]
    assert institution.memberships.get(user=user).is_admin
    assert client.session["current_organization"] == f"institution:{institution.pk}"

    # The link works once.
    client.logout()
    html = client.get(url).content.decode()
    assert "Cette invitation a déjà été acceptée." in html


def test_bad_password_creates_nothing(client):
    invitation = InvitationFactory(email="ines.pic@example.com")
    html = client.post(url_for(invitation), signup_data(password2="autre-chose-2026")).content.decode()
    assert "Les deux mots de passe ne sont pas identiques" in html
    html = client.post(url_for(invitation), signup_data(password1="123", password2="123")).content.decode()
    assert "fr-input-group--error" in html
    assert not User.objects.filter(email="ines.pic@example.com").exists()


def test_existing_account_is_asked_to_log_in(client):
    ProfessionalFactory(email="ines.pic@example.com")
    invitation = InvitationFactory(email="ines.pic@example.com")
    html = client.get(url_for(invitation)).content.decode()
    assert "Vous avez déjà un compte" in html
    assert f"{reverse('account_login')}?next=" in html
    response = client.post(url_for(invitation), signup_data())
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_logged_in_invited_person_accepts(client):
    user = ProfessionalFactory(email="ines.pic@example.com")
    invitation = InvitationFactory(email="ines.pic@example.com", company__name="Les Jardins", company__brand="")
    client.force_login(user)
    url = url_for(invitation)
    html = client.get(url).content.decode()
    assert "Accepter l'invitation" in html
    response = client.post(url, follow=True)
    assert "Bienvenue ! Vous faites maintenant partie de la structure Les Jardins." in response.content.decode()
    assert list(Company.objects.for_member(user)) == [invitation.company]
    # Opening the link again: straight to the dashboard.
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    assert "Vous avez déjà accepté cette invitation." in response.content.decode()
    response = client.post(url, follow=True)
    assert response.status_code == 200


def test_wrong_user_logged_in(client):
    invitation = InvitationFactory(email="ines.pic@example.com")
    client.force_login(ProfessionalFactory(email="autre@example.com"))
    html = client.get(url_for(invitation)).content.decode()
    assert "Cette invitation a été envoyée à i•••@example.com" in html
    assert "autre@example.com" in html
    assert "Se déconnecter" in html
    assert client.post(url_for(invitation)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_job_seeker_with_the_invited_address(client):
    invitation = InvitationFactory(email="ines.pic@example.com")
    client.force_login(JobSeekerFactory(email="ines.pic@example.com"))
    html = client.post(url_for(invitation)).content.decode()
    assert "n'est pas un compte professionnel" in html
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_expired_cancelled_or_forged_links(client):
    expired = InvitationFactory(email="a@example.com", expired=True)
    html = client.get(url_for(expired)).content.decode()
    assert "Cette invitation a expiré (elle était valable 14 jours)" in html
    response = client.post(url_for(expired), signup_data())
    assert response.status_code == 200
    assert not User.objects.filter(email="a@example.com").exists()

    from django.utils import timezone

    cancelled = InvitationFactory(email="b@example.com", cancelled_at=timezone.now())
    assert "Cette invitation a été annulée." in client.get(url_for(cancelled)).content.decode()

    for token in ("n-importe-quoi", expired.token[:-2] + "xx"):
        response = client.get(reverse("invitations:accept", kwargs={"token": token}))
        assert response.status_code == 200
        assert "Ce lien d&#x27;invitation n&#x27;est pas valable." in response.content.decode()
