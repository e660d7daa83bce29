"""ProConnect and FranceConnect against the real local OpenID Connect provider
(devtools/oidc_provider): creation, linking, certified identity, errors, logout."""

import datetime
from urllib.parse import parse_qs, quote, urlsplit

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils.html import escape

from itou.users.enums import IdentityProvider, UserKind
from itou.users.models import User
from tests.oidc.provider import ProviderVisit, local_path
from tests.users.factories import DEFAULT_PASSWORD, JobSeekerFactory, ProfessionalFactory


def login_with(client, provider_id, username, *, consent=True, visit=None):
    visit = visit or ProviderVisit()
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": provider_id}))
    assert response.status_code == 302, response
    query = parse_qs(urlsplit(response.url).query)
    # PKCE (S256) and a nonce go with every login, as does allauth's state.
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0] and query["state"][0]
    back = visit.authorize(response.url, username, consent=consent)
    assert back.startswith("http://testserver/"), back
    return client.get(local_path(back)), visit


def test_off_when_unset(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "FranceConnect" not in html and "ProConnect" not in html
    url = reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"})
    assert client.post(url).status_code == 404
    assert client.get(reverse("signup:oidc_link")).url == reverse("account_login")


def test_franceconnect_creates_a_job_seeker_with_a_certified_identity(client, oidc_settings):
    html = client.get(reverse("account_login")).content.decode()
    assert "S’identifier avec" in html and "FranceConnect" in html and "ProConnect" in html
    response, _ = login_with(client, "franceconnect", "fc-nouvelle")
    assert response.status_code == 302 and response.url == reverse("dashboard:index")
    user = User.objects.get(email="angela.dubois@example.org")
    assert (user.kind, user.first_name, user.last_name) == (UserKind.JOB_SEEKER, "Angela Claire Louise", "DUBOIS")
    assert not user.has_usable_password()
    profile = user.jobseeker_profile
    assert profile.birthdate == datetime.date(1962, 8, 24)
    assert (profile.birth_place_code, profile.birth_country_code) == ("75107", "99100")
    assert profile.identity_certified_by == IdentityProvider.FRANCECONNECT
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "franceconnect"

    # The profile shows the certified fields read-only, and ignores a forged change.
    page = client.get(reverse("dashboard:profile")).content.decode()
    assert "Informations certifiées par FranceConnect" in page
    assert 'name="first_name"' not in page and 'name="birthdate"' not in page
    response = client.post(
        reverse("dashboard:profile"),
        {"first_name": "Autre", "last_name": "Nom", "birthdate": "2000-01-01", "lack_of_nir_reason": "NO_NIR"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.jobseeker_profile.birthdate) == ("Angela Claire Louise", datetime.date(1962, 8, 24))
    assert user.jobseeker_profile.lack_of_nir_reason == "NO_NIR"


def test_first_login_links_an_existing_account_after_its_password(client, oidc_settings):
    job_seeker = JobSeekerFactory(email="camille.martin@example.org", first_name="Camile", last_name="Martin")
    response, visit = login_with(client, "franceconnect", "fc-existant")
    assert response.url == reverse("signup:oidc_link")
    page = client.get(response.url)
    assert "Relier votre compte à FranceConnect" in page.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("signup:oidc_link"), {"action": "link", "password": "pas le bon"})
    assert wrong.status_code == 400 and "Ce mot de passe n&#x27;est pas le bon" in wrong.content.decode()
    assert not SocialAccount.objects.exists()
    response = client.post(reverse("signup:oidc_link"), {"action": "link", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == job_seeker.pk
    job_seeker.refresh_from_db()
    assert job_seeker.first_name == "Camille"  # FranceConnect's spelling, now certified
    assert job_seeker.jobseeker_profile.identity_certified
    assert SocialAccount.objects.get().user == job_seeker

    # Logout ends the provider's session too (RP-initiated logout with the ID token).
    response = client.post(reverse("account_logout"))
    end_session = urlsplit(response.url)
    query = parse_qs(end_session.query)
    assert response.url.startswith(oidc_settings.url + "/logout/")
    assert query["post_logout_redirect_uri"] == ["http://testserver/"] and query["id_token_hint"][0]
    assert query["state"][0]
    assert visit.logged_in(oidc_settings.url)
    back = visit.session.get(response.url, allow_redirects=False)
    assert back.status_code == 302 and back.headers["Location"].startswith("http://testserver/")
    assert not visit.logged_in(oidc_settings.url)

    # Next time: straight in, no password.
    client.logout()
    response, _ = login_with(client, "franceconnect", "fc-existant")
    assert response.url == reverse("dashboard:index")
    assert int(client.session["_auth_user_id"]) == job_seeker.pk


def test_proconnect_creates_a_professional_who_goes_on_to_join(client, oidc_settings):
    response, _ = login_with(client, "proconnect", "pc-nouveau")
    assert response.url == reverse("signup:choose_kind")
    user = User.objects.get(email="jean.bertrand@travail.gouv.fr")
    assert (user.kind, user.first_name, user.last_name) == (UserKind.PROFESSIONAL, "Jean", "BERTRAND")
    # ProConnect's userinfo is a signed JWT (application/jwt), checked like the ID token.
    userinfo = SocialAccount.objects.get(user=user).extra_data["userinfo"]
    assert userinfo["aud"] == "proconnect-local" and userinfo["siret"] == "13002526500013"
    assert not hasattr(user, "jobseeker_profile") or user.jobseeker_profile is None
    page = client.get(response.url).content.decode()
    assert "Votre compte est créé avec ProConnect" in page and 'id="candidat"' not in page
    # The existing organization path, logged in: no account form any more.
    page = client.get(reverse("signup:prescriber_siret")).content.decode()
    assert 'name="password1"' not in page


def test_proconnect_refuses_a_job_seeker_address(client, oidc_settings):
    JobSeekerFactory(email="ines.robert@francetravail.fr")
    response, _ = login_with(client, "proconnect", "pc-existant")
    assert response.status_code == 403
    assert "ProConnect est réservé aux professionnels" in response.content.decode()
    assert not SocialAccount.objects.exists() and "_auth_user_id" not in client.session


def test_proconnect_links_a_professional(client, oidc_settings):
    professional = ProfessionalFactory(email="ines.robert@francetravail.fr")
    response, _ = login_with(client, "proconnect", "pc-existant")
    response = client.post(response.url, {"action": "link", "password": DEFAULT_PASSWORD})
    assert int(client.session["_auth_user_id"]) == professional.pk


def test_refusal_at_the_provider_shows_a_retry(client, oidc_settings):
    response, _ = login_with(client, "franceconnect", "fc-nouvelle", consent=False)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous avez refusé de transmettre vos informations depuis FranceConnect" in html
    assert "Réessayer" in html and reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"}) in html
    assert not User.objects.exists()


def test_retry_after_an_error_keeps_the_next_page(client, oidc_settings):
    login_url = reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"})
    target = reverse("dashboard:profile") + "?onglet=identite&x=1"
    response = client.post(login_url, {"next": target})
    back = ProviderVisit().authorize(response.url, "fc-nouvelle", consent=False)
    html = client.get(local_path(back)).content.decode()
    assert "Vous avez refusé de transmettre vos informations depuis FranceConnect" in html
    assert f'<input type="hidden" name="next" value="{escape(target)}">' in html
    assert f'href="{reverse("account_login")}?next={quote(target, safe="/")}"' in html

    # "Réessayer" posts it back: this time the person accepts and lands on that page.
    response = client.post(login_url, {"next": target})
    back = ProviderVisit().authorize(response.url, "fc-nouvelle")
    response = client.get(local_path(back))
    assert response.status_code == 302 and response.url == target
    assert "oidc_next" not in client.session


def test_cancelling_the_link_goes_back_to_the_login_with_the_next_page(client, oidc_settings):
    JobSeekerFactory(email="camille.martin@example.org")
    target = reverse("dashboard:profile")
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"}), {"next": target})
    assert client.get(local_path(ProviderVisit().authorize(response.url, "fc-existant"))).url == reverse(
        "signup:oidc_link"
    )
    response = client.post(reverse("signup:oidc_link"), {"action": "cancel"})
    assert response.url == f"{reverse('account_login')}?next={quote(target, safe='')}"


def test_retry_drops_a_next_page_of_another_site(client, oidc_settings):
    login_url = reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"})
    response = client.post(login_url, {"next": "https://ailleurs.example/piege"})
    back = ProviderVisit().authorize(response.url, "fc-nouvelle", consent=False)
    html = client.get(local_path(back)).content.decode()
    assert "Réessayer" in html and 'name="next"' not in html and "ailleurs.example" not in html


def test_a_nonce_that_does_not_match_is_refused(client, oidc_settings):
    visit = ProviderVisit()
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"}))
    session = client.session
    states = session["socialaccount_states"]
    for state in states.values():
        state[0]["itou_nonce"] = "pas-le-bon"
    session.save()
    back = visit.authorize(response.url, "fc-nouvelle")
    response = client.get(local_path(back))
    assert response.status_code == 401
    assert "La connexion avec FranceConnect n&#x27;a pas abouti" in response.content.decode()
    assert not User.objects.exists()


def test_a_replayed_callback_is_refused(client, oidc_settings):
    visit = ProviderVisit()
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"}))
    back = local_path(visit.authorize(response.url, "fc-nouvelle"))
    assert client.get(back).status_code == 302
    client.logout()
    # The state is used once: the same callback again is an error page, not a login.
    response = client.get(back)
    assert response.status_code == 401 and "Réessayer" in response.content.decode()


def test_the_link_page_belongs_to_its_session(client, oidc_settings):
    JobSeekerFactory(email="camille.martin@example.org")
    response, _ = login_with(client, "franceconnect", "fc-existant")
    assert response.url == reverse("signup:oidc_link")
    # Someone else (another browser, logged in or not) has nothing to link there.
    other = client.__class__()
    other.force_login(ProfessionalFactory())
    assert other.get(reverse("signup:oidc_link")).url == reverse("account_login")
    assert other.post(reverse("signup:oidc_link"), {"action": "link", "password": DEFAULT_PASSWORD}).status_code == 302
    assert not SocialAccount.objects.exists()
    # Cancelling links nothing and forgets the pending login.
    response = client.post(reverse("signup:oidc_link"), {"action": "cancel"})
    assert response.url == reverse("account_login") and not SocialAccount.objects.exists()
    assert client.get(reverse("signup:oidc_link")).url == reverse("account_login")


def test_allauth_pages_of_the_providers_render_in_french(client, oidc_settings):
    page = client.get(reverse("openid_connect_login", kwargs={"provider_id": "proconnect"}))
    assert page.status_code == 200 and "ProConnect" in page.content.decode()
    assert client.get(reverse("socialaccount_login_cancelled")).status_code == 200


def test_only_the_login_process_is_allowed(client, oidc_settings):
    """allauth's "connect" process would link an identity without signup:oidc_link."""
    user = JobSeekerFactory()
    client.force_login(user)
    response = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": "franceconnect"}), {"process": "connect"}
    )
    response = client.get(local_path(ProviderVisit().authorize(response.url, "fc-nouvelle")))
    assert response.status_code == 401 and "Réessayer" in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_the_link_password_has_the_login_limits(client, oidc_settings, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/key"}
    JobSeekerFactory(email="camille.martin@example.org")
    login_with(client, "franceconnect", "fc-existant")
    for _ in range(2):
        assert client.post(reverse("signup:oidc_link"), {"action": "link", "password": "non"}).status_code == 400
    response = client.post(reverse("signup:oidc_link"), {"action": "link", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429 and "Trop de tentatives" in response.content.decode()
    assert not SocialAccount.objects.exists()
