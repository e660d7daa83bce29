from django import forms

from itou.geo.models import Commune
from itou.users.enums import EducationLevel, LackOfNIRReason
from itou.users.models import JobSeekerProfile
from itou.users.validators import clean_nir, validate_france_travail_id


class JobSeekerProfileForm(forms.Form):
    CERTIFIED_FIELDS = ("first_name", "last_name", "birthdate")

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    birthdate = forms.DateField(
        label="Date de naissance",
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
    france_travail_id = forms.CharField(
        label="Identifiant France Travail",
        required=False,
        max_length=11,
        help_text="Si vous êtes inscrit à France Travail : de 8 à 11 caractères.",
    )
    commune = forms.CharField(
        label="Commune de résidence",
        required=False,
        help_text="Tapez le nom de votre commune ou son code postal, puis choisissez dans la liste.",
        widget=forms.TextInput(
            attrs={"data-autocomplete-url": "/autocomplete/communes/", "data-autocomplete-target": "id_commune_code"}
        ),
    )
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput)
    address_line = forms.CharField(
        label="Adresse",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    education_level = forms.ChoiceField(
        label="Niveau de formation", required=False, choices=[("", "Choisissez un niveau")] + EducationLevel.choices
    )

    def __init__(self, *args, job_seeker, **kwargs):
        self.job_seeker = job_seeker
        super().__init__(*args, **kwargs)
        profile = getattr(job_seeker, "jobseeker_profile", None)
        # Certified by FranceConnect: shown above the form, read-only (docs/comptes.md).
        self.certified = bool(profile and profile.identity_certified)
        if self.certified:
            for name in self.CERTIFIED_FIELDS:
                del self.fields[name]
        if profile and profile.nir:
            self.fields["nir"].help_text = (
                f"Numéro enregistré : {profile.masked_nir}. Laissez vide pour le garder, "
                "ou saisissez les 15 chiffres pour le corriger."
            )

    def clean_nir(self):
        value = self.cleaned_data.get("nir", "").strip()
        if not value:
            return ""
        nir = clean_nir(value)
        if JobSeekerProfile.objects.filter(nir=nir).exclude(user=self.job_seeker).exists():
            raise forms.ValidationError(
                "Ce numéro de sécurité sociale est déjà associé à un autre compte. Contactez le support si c'est le vôtre."
            )
        return nir

    def clean_france_travail_id(self):
        value = self.cleaned_data.get("france_travail_id", "").replace(" ", "").upper()
        if value:
            validate_france_travail_id(value)
        return value

    def clean(self):
        cleaned = super().clean()
        nir, reason = cleaned.get("nir"), cleaned.get("lack_of_nir_reason")
        if nir and reason:
            self.add_error(
                "lack_of_nir_reason", "Vous avez indiqué un numéro de sécurité sociale : laissez ce choix vide."
            )
        code, label = cleaned.get("commune_code"), cleaned.get("commune")
        cleaned["commune_obj"] = None
        if code:
            cleaned["commune_obj"] = Commune.objects.filter(code=code).first()
            if cleaned["commune_obj"] is None:
                self.add_error("commune", "Cette commune est inconnue : choisissez-la dans la liste proposée.")
        elif label:
            self.add_error("commune", "Choisissez votre commune dans la liste proposée pendant la saisie.")
        return cleaned

    def user_fields(self):
        return {name: self.cleaned_data[name] for name in ("first_name", "last_name", "phone") if name in self.fields}

    def profile_fields(self):
        data = self.cleaned_data
        fields = {}
        # The NIR is never sent back to the browser: an empty field keeps the stored one.
        if data["nir"] or data["lack_of_nir_reason"]:
            fields.update(nir=data["nir"], lack_of_nir_reason=data["lack_of_nir_reason"])
        if "birthdate" in self.fields:
            fields["birthdate"] = data["birthdate"]
        return fields | {
            "france_travail_id": data["france_travail_id"],
            "commune": data["commune_obj"],
            "address_line": data["address_line"],
            "education_level": data["education_level"],
        }

    @classmethod
    def initial_for(cls, user):
        profile = getattr(user, "jobseeker_profile", None)
        initial = {"first_name": user.first_name, "last_name": user.last_name, "phone": user.phone}
        if profile:
            initial.update(
                birthdate=profile.birthdate,
                lack_of_nir_reason=profile.lack_of_nir_reason,
                france_travail_id=profile.france_travail_id,
                commune=str(profile.commune) if profile.commune else "",
                commune_code=profile.commune_id or "",
                address_line=profile.address_line,
                education_level=profile.education_level,
            )
        return initial
