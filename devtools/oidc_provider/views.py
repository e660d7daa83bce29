"""The provider's own pages: choose who you are (no password: a test identity provider)."""

from urllib.parse import parse_qs, urlsplit

from django import forms
from django.contrib.auth import get_user_model, login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

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
