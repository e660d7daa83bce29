from django import forms

from itou.www.signup.allauth_forms import EMAIL_HINT, EMAIL_LABEL


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=EMAIL_LABEL,
        help_text=f"L'adresse professionnelle de votre collègue : l'invitation y est envoyée. {EMAIL_HINT}",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    last_name = forms.CharField(label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    is_admin = forms.BooleanField(
        label="Administrateur",
        required=False,
        help_text="Un administrateur invite des collègues, gère les membres et répond aux demandes pour rejoindre.",
    )
