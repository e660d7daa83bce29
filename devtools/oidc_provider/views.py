"""The provider's own pages: choose who you are (no password: a test identity provider)."""

import json
import time
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.contrib.auth import get_user_model, login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from jwcrypto import jwk, jwt
from oauth2_provider import views as oauth2_views
from oauth2_provider.settings import oauth2_settings

from devtools.oidc_provider import identities
from devtools.oidc_provider.validator import REGISTRY


def _client_kind(next_url: str) -> str:
    client_id = parse_qs(urlsplit(next_url).query).get("client_id", [""])[0]
    return identities.CLIENTS.get(client_id, ("", ""))[1]


class ChooseIdentityForm(forms.Form):
    username = forms.CharField(label="Identifiant ou adresse e-mail", max_length=150)

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        for identity in REGISTRY.values():
            if value in (identity["username"], identity.get("email")):
                return identity["username"]
        raise forms.ValidationError("Personne ne porte cet identifiant ici : choisissez dans la liste.")


def choose_identity(request):
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    kind = _client_kind(next_url)
    people = [
        {
            **identity,
            "name": f"{identity.get('given_name', '')} {identity.get('family_name') or identity.get('usual_name', '')}",
        }
        for identity in REGISTRY.values()
        if not kind or identity["kind"] == kind
    ]
    form = ChooseIdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, get_user_model().objects.get(username=form.cleaned_data["username"]))
        return redirect(next_url)
    title = {"franceconnect": "FranceConnect", "proconnect": "ProConnect"}.get(kind, "Fournisseur d'identité")
    return render(
        request,
        "oidc_provider/login.html",
        {"form": form, "people": people, "next": next_url, "title": title},
    )


def home(request):
    who = request.user.username if request.user.is_authenticated else ""
    return render(request, "oidc_provider/home.html", {"who": who})


def favicon(request):
    return HttpResponse(status=204)


class UserInfoView(oauth2_views.UserInfoView):
    """DOT's userinfo; for the ProConnect-like client, a JWT signed with RS256 (as the real
    ProConnect and FranceConnect v2 answer, `application/jwt`)."""

    def _create_userinfo_response(self, request):
        response = super()._create_userinfo_response(request)
        if response.status_code != 200:
            return response
        claims = json.loads(response.content)
        if "usual_name" not in claims:  # FranceConnect-like identities: plain JSON
            return response
        client_id, _secret = identities.client_secret("proconnect")
        now = int(time.time())
        key = jwk.JWK.from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY.encode())
        token = jwt.JWT(
            header={"alg": "RS256", "kid": key.thumbprint()},
            claims={
                **claims,
                "iss": oauth2_settings.oidc_issuer(request),
                "aud": client_id,
                "iat": now,
                "exp": now + 60,
            },
        )
        token.make_signed_token(key)
        return HttpResponse(token.serialize(), content_type="application/jwt")
