"""allauth's forms with the words and markup of a French public service (DSFR).

DSFR forms rely on visible labels and hint texts, not on placeholders.
"""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.email_verification import add_email_verification_sent_message
from django.shortcuts import redirect

EMAIL_LABEL = "Adresse e-mail"
EMAIL_HINT = "Format attendu : nom@domaine.fr"


def _dsfr_fields(form):
    for name, field in form.fields.items():
        field.widget.attrs.pop("placeholder", None)
        if name in ("email", "login") or name.startswith("email"):
            field.label = EMAIL_LABEL
            field.help_text = EMAIL_HINT
    if "password" in form.fields:
        # allauth puts a "forgotten password" link in the help text: the page shows one.
        form.fields["password"].help_text = ""


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)
        self.fields["remember"].label = "Rester connecté sur cet appareil"


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)
        self.fields[
            "password1"
        ].help_text = "Au moins 12 caractères. Évitez les mots de passe trop simples ou trop proches de votre nom."
        self.fields["password2"].label = "Confirmez le mot de passe"
        self.order_fields(self.field_order)

    def try_save(self, request):
        """The same answer whether the email or the NIR is taken or not (ASVS V2.2 / account
        enumeration): the page says "check your mailbox", and the mailbox tells the truth."""
        if getattr(self, "nir_already_used", False) and not self.account_already_exists:
            email = self.cleaned_data["email"]
            get_adapter().send_nir_already_used_mail(email)
            add_email_verification_sent_message(request, email, signup=True)
            return None, redirect("account_email_verification_sent")
        return super().try_save(request)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)


class ConfirmLoginCodeForm(allauth_forms.ConfirmLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)
        self.fields["code"].label = "Code reçu par e-mail"
        self.fields["code"].help_text = "8 caractères, par exemple ABCD-EFGH."


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)
        self.fields["password2"].label = "Confirmez le nouveau mot de passe"


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dsfr_fields(self)
