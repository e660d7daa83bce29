"""ProConnect and FranceConnect: the callback and the linking of an existing account
(itou/users/oidc.py does the rest; docs/comptes.md)."""

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from itou.users.models import User
from itou.users.oidc import LINK_SESSION_KEY, OAuth2Adapter, link_and_login, pending_next, provider_name


def callback(request, provider_id):
    """allauth's callback, with the adapter that checks the nonce's token signature and keeps
    the ID token for the logout (same URL as allauth's, which it shadows)."""
    try:
        return OAuth2CallbackView.adapter_view(OAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404


class LinkForm(forms.Form):
    password = forms.CharField(
        label="Mot de passe de votre compte",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


WRONG_PASSWORD = "Ce mot de passe n'est pas le bon. Vérifiez-le, ou utilisez « Mot de passe oublié ? »."


def _back_to_login(request):
    """The login page, still going to the page the provider login was going to."""
    url = reverse("account_login")
    next_url = pending_next(request)
    return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


def link(request):
    """A first provider login with the address of an existing account: that account's
    password, once, then the accounts are linked and the person is logged in."""
    data = request.session.get(LINK_SESSION_KEY)
    try:
        sociallogin = SocialLogin.deserialize(data) if data else None
    except (ValueError, KeyError, TypeError):
        sociallogin = None
    email = sociallogin.email_addresses[0].email if sociallogin and sociallogin.email_addresses else ""
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None:
        request.session.pop(LINK_SESSION_KEY, None)
        messages.info(request, "Cette demande de connexion a expiré : connectez-vous à nouveau.")
        return _back_to_login(request)
    name = provider_name(sociallogin.account.provider)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        request.session.pop(LINK_SESSION_KEY, None)
        messages.info(request, f"Votre compte n'a pas été relié à {name}.")
        return _back_to_login(request)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same limits as the login form (429 after too many failures, per account and IP).
        authenticated = get_account_adapter(request).authenticate(
            request, email=user.email, password=form.cleaned_data["password"]
        )
        if authenticated is None or authenticated.pk != user.pk:
            form.add_error("password", WRONG_PASSWORD)
        else:
            request.session.pop(LINK_SESSION_KEY, None)
            return link_and_login(request, sociallogin, user)
    return render(
        request,
        "signup/oidc_link.html",
        {"form": form, "email": user.email, "provider_name": name},
        status=400 if form.errors else 200,
    )
