from django import forms

from itou.users import services
from itou.users.enums import LackOfNIRReason
from itou.users.models import JobSeekerProfile
from itou.users.validators import clean_nir


class JobSeekerSignupForm(forms.Form):
    """Fields added to allauth's signup form (email and passwords) for job seekers."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    birthdate = forms.DateField(
        label="Date de naissance",
        help_text="Au format jj/mm/aaaa.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    nir = forms.CharField(
        label="Numéro de sécurité sociale",
        required=False,
        max_length=21,
        help_text="15 chiffres, clé comprise (figure sur votre carte Vitale).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    lack_of_nir_reason = forms.ChoiceField(
        label="Si vous n'avez pas de numéro de sécurité sociale, pourquoi ?",
        required=False,
        choices=[("", "J'ai un numéro de sécurité sociale")] + LackOfNIRReason.choices,
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "birthdate",
        "nir",
        "lack_of_nir_reason",
        "password1",
        "password2",
    ]

    def clean_nir(self):
        value = self.cleaned_data.get("nir", "").strip()
        if not value:
            return ""
        nir = clean_nir(value)
        # Not told on screen (account enumeration): the typed address is told by email
        # instead, and no account is created (allauth_forms.SignupForm.try_save).
        self.nir_already_used = JobSeekerProfile.objects.filter(nir=nir).exists()
        return nir

    def clean(self):
        cleaned = super().clean()
        nir, reason = cleaned.get("nir"), cleaned.get("lack_of_nir_reason")
        if "nir" not in self.errors and not nir and not reason:
            self.add_error(
                "nir",
                "Indiquez votre numéro de sécurité sociale, ou choisissez ci-dessous la raison pour laquelle vous n'en avez pas.",
            )
        if nir and reason:
            self.add_error(
                "lack_of_nir_reason", "Vous avez indiqué un numéro de sécurité sociale : laissez ce choix vide."
            )
        return cleaned

    def signup(self, request, user):
        services.job_seeker_profile_create(
            user=user,
            birthdate=self.cleaned_data["birthdate"],
            nir=self.cleaned_data["nir"],
            lack_of_nir_reason=self.cleaned_data["lack_of_nir_reason"],
        )
