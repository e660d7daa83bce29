import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone

from itou.geo.models import Commune
from itou.job_applications.apply import resume_check
from itou.job_applications.models import RESUME_MAX_SIZE
from itou.users.enums import EducationLevel, LackOfNIRReason, UserKind
from itou.users.models import JobSeekerProfile, User
from itou.users.validators import clean_nir, validate_france_travail_id

MESSAGE_MAX_LENGTH = 3000
NIR_HELP = "15 chiffres, clé comprise (ils figurent sur la carte Vitale ou l'attestation de droits)."


def _masked(nir: str) -> str:
    return f"{nir[:5]} •• ••• ••• ••" if nir else ""


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d")


def _check_birthdate(value):
    if value is None:
        return value
    today = timezone.localdate()
    if value >= today:
        raise ValidationError("La date de naissance doit être dans le passé.")
    if value < datetime.date(1900, 1, 1):
        raise ValidationError("Cette date de naissance n'est pas plausible : vérifiez l'année.")
    return value


class _CommuneMixin:
    """A commune chosen in the accessible autocomplete (visible label + hidden INSEE code)."""

    def _clean_commune(self, cleaned):
        code, label = cleaned.get("commune_code"), cleaned.get("commune")
        cleaned["commune_obj"] = None
        if code:
            cleaned["commune_obj"] = Commune.objects.filter(code=code).first()
            if cleaned["commune_obj"] is None:
                self.add_error("commune", "Cette commune est inconnue : choisissez-la dans la liste proposée.")
        elif label:
            self.add_error("commune", "Choisissez la commune dans la liste proposée pendant la saisie.")


def _commune_fields(*, required: bool, label: str):
    return {
        "commune": forms.CharField(
            label=label,
            required=required,
            help_text="Tapez le nom de la commune ou son code postal, puis choisissez dans la liste.",
            widget=forms.TextInput(
                attrs={
                    "data-autocomplete-url": reverse_lazy("autocomplete:communes"),
                    "data-autocomplete-target": "id_commune_code",
                    "autocomplete": "off",
                }
            ),
        ),
        "commune_code": forms.CharField(required=False, widget=forms.HiddenInput),
    }


# --------------------------------------------------------------------------------------
# Finding the person (prescribers, employers)
# --------------------------------------------------------------------------------------


class PersonSearchForm(forms.Form):
    """At least one way to find the person; the lookup tries NIR, then email, then name + birthdate.

    The NIR typed earlier is never sent back to the browser: it stays in the session, the
    field shows it masked and an empty field keeps it.
    """

    nir = forms.CharField(
        label="Numéro de sécurité sociale",
        required=False,
        max_length=21,
        help_text=NIR_HELP,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Adresse e-mail du candidat",
        required=False,
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom", required=False, max_length=150)
    last_name = forms.CharField(label="Nom", required=False, max_length=150)
    birthdate = forms.DateField(
        label="Date de naissance", required=False, help_text="Au format jj/mm/aaaa.", widget=_date_widget()
    )

    def __init__(self, *args, stored_nir: str = "", **kwargs):
        self.stored_nir = stored_nir
        super().__init__(*args, **kwargs)
        if stored_nir:
            self.fields["nir"].help_text = (
                f"Numéro saisi : {_masked(stored_nir)}. Laissez vide pour le garder, ou saisissez les 15 chiffres "
                "pour le changer."
            )

    def clean_nir(self):
        value = self.cleaned_data.get("nir", "").strip()
        return clean_nir(value) if value else self.stored_nir

    def clean_birthdate(self):
        return _check_birthdate(self.cleaned_data.get("birthdate"))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        names = [cleaned.get("first_name"), cleaned.get("last_name"), cleaned.get("birthdate")]
        if not cleaned.get("nir") and not cleaned.get("email"):
            if not any(names):
                raise ValidationError(
                    "Indiquez au moins le numéro de sécurité sociale, l'adresse e-mail, ou le prénom, le nom et "
                    "la date de naissance du candidat."
                )
            if not all(names):
                raise ValidationError(
                    "Pour chercher par nom, indiquez le prénom, le nom et la date de naissance du candidat."
                )
        return cleaned

    def session_data(self) -> dict:
        data = self.cleaned_data
        return {
            "nir": data["nir"],
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "birthdate": data["birthdate"].isoformat() if data["birthdate"] else "",
        }


class NewJobSeekerForm(_CommuneMixin, forms.Form):
    """The account a professional creates for a job seeker; created only when the application is sent."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    birthdate = forms.DateField(label="Date de naissance", help_text="Au format jj/mm/aaaa.", widget=_date_widget())
    nir = forms.CharField(
        label="Numéro de sécurité sociale",
        required=False,
        max_length=21,
        help_text=NIR_HELP,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    lack_of_nir_reason = forms.ChoiceField(
        label="Si le candidat n'a pas de numéro de sécurité sociale, pourquoi ?",
        required=False,
        choices=[("", "Le candidat a un numéro de sécurité sociale")] + LackOfNIRReason.choices,
    )
    email = forms.EmailField(
        label="Adresse e-mail du candidat",
        required=False,
        help_text="Facultative. Si vous l'indiquez, le candidat recevra un e-mail pour choisir son mot de passe "
        "et suivre ses candidatures.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label="Téléphone du candidat",
        max_length=20,
        required=False,
        help_text="Facultatif.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    education_level = forms.ChoiceField(
        label="Niveau de formation",
        required=False,
        choices=[("", "Je ne sais pas")] + EducationLevel.choices,
    )

    def __init__(self, *args, stored_nir: str = "", **kwargs):
        self.stored_nir = stored_nir
        super().__init__(*args, **kwargs)
        fields = _commune_fields(required=False, label="Commune de résidence")
        fields["commune"].help_text = "Facultative. " + fields["commune"].help_text
        self.fields.update(fields)
        self.order_fields(
            ["first_name", "last_name", "birthdate", "nir", "lack_of_nir_reason", "email", "phone", "commune"]
        )
        if stored_nir:
            self.fields["nir"].help_text = (
                f"Numéro saisi : {_masked(stored_nir)}. Laissez vide pour le garder, ou saisissez les 15 chiffres "
                "pour le changer."
            )

    def clean_nir(self):
        value = self.cleaned_data.get("nir", "").strip()
        typed = bool(value)
        nir = clean_nir(value) if typed else self.stored_nir
        self.nir_typed = typed
        if nir and JobSeekerProfile.objects.filter(nir=nir).exists():
            raise ValidationError(
                "Ce numéro de sécurité sociale est déjà associé au compte d'une autre personne. Vérifiez les "
                "15 chiffres ; si c'est bien le sien, revenez à la recherche pour retrouver ce candidat."
            )
        return nir

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        # A job seeker's address: the lookup would find them. Any other account's address is
        # not told here (itou.job_applications.apply.job_seeker_lookup); sending fails later.
        if email and User.objects.filter(email__iexact=email, kind=UserKind.JOB_SEEKER).exists():
            raise ValidationError(
                "Un compte existe déjà avec cette adresse e-mail : revenez à la recherche pour retrouver ce candidat."
            )
        return email

    def clean_birthdate(self):
        return _check_birthdate(self.cleaned_data.get("birthdate"))

    def clean(self):
        cleaned = super().clean()
        nir, reason = cleaned.get("nir"), cleaned.get("lack_of_nir_reason")
        if "nir" not in self.errors:
            if reason and nir:
                if getattr(self, "nir_typed", False):
                    self.add_error(
                        "lack_of_nir_reason",
                        "Vous avez indiqué un numéro de sécurité sociale : laissez ce choix vide, ou effacez le numéro.",
                    )
                else:
                    # A reason chosen after a NIR typed earlier: the reason wins, the NIR is forgotten.
                    cleaned["nir"] = ""
            elif not nir and not reason:
                self.add_error(
                    "nir",
                    "Indiquez le numéro de sécurité sociale du candidat, ou choisissez ci-dessous la raison pour "
                    "laquelle il n'en a pas.",
                )
        self._clean_commune(cleaned)
        return cleaned

    def session_data(self) -> dict:
        data = self.cleaned_data
        commune = data.get("commune_obj")
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "birthdate": data["birthdate"].isoformat(),
            "nir": data["nir"],
            "lack_of_nir_reason": "" if data["nir"] else data["lack_of_nir_reason"],
            "email": data["email"],
            "phone": data["phone"].strip(),
            "commune_code": commune.code if commune else "",
            "commune_label": str(commune) if commune else "",
            "education_level": data["education_level"],
        }

    @staticmethod
    def draft_from(post) -> dict:
        """What was typed, as is, for "Retour" (never validated, never the NIR)."""
        keys = ("first_name", "last_name", "birthdate", "lack_of_nir_reason", "email", "phone", "education_level")
        draft = {key: str(post.get(key, ""))[:255] for key in keys}
        draft["commune_label"] = str(post.get("commune", ""))[:255]
        draft["commune_code"] = str(post.get("commune_code", ""))[:5]
        return draft

    @staticmethod
    def initial_from(data: dict) -> dict:
        initial = {key: value for key, value in data.items() if key not in ("nir", "commune_label")}
        initial["commune"] = data.get("commune_label", "")
        return initial


# --------------------------------------------------------------------------------------
# The job seeker completes their profile
# --------------------------------------------------------------------------------------

PROFILE_FIELDS_BY_LABEL = {
    "date de naissance": "birthdate",
    "numéro de sécurité sociale": "nir",
    "commune": "commune",
    "niveau de formation": "education_level",
}


def profile_fields_to_complete(profile) -> list[str]:
    if profile is None:
        return list(PROFILE_FIELDS_BY_LABEL.values())
    return [PROFILE_FIELDS_BY_LABEL[label] for label in profile.missing_fields if label in PROFILE_FIELDS_BY_LABEL]


class ProfileCompletionForm(_CommuneMixin, forms.Form):
    """The profile fields that were missing when the job seeker started applying."""

    def __init__(self, *args, job_seeker, profile, names: list[str], **kwargs):
        self.job_seeker = job_seeker
        self.profile = profile
        super().__init__(*args, **kwargs)
        stored_nir = getattr(profile, "nir", "")
        if "birthdate" in names:
            self.fields["birthdate"] = forms.DateField(
                label="Date de naissance", help_text="Au format jj/mm/aaaa.", widget=_date_widget()
            )
        if "nir" in names:
            self.fields["nir"] = forms.CharField(
                label="Numéro de sécurité sociale",
                required=False,
                max_length=21,
                help_text=(
                    f"Numéro enregistré : {_masked(stored_nir)}. Laissez vide pour le garder."
                    if stored_nir
                    else "15 chiffres, clé comprise (ils figurent sur votre carte Vitale)."
                ),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )
            self.fields["lack_of_nir_reason"] = forms.ChoiceField(
                label="Si vous n'avez pas de numéro de sécurité sociale, pourquoi ?",
                required=False,
                choices=[("", "J'ai un numéro de sécurité sociale")] + LackOfNIRReason.choices,
            )
            self.fields["france_travail_id"] = forms.CharField(
                label="Identifiant France Travail",
                required=False,
                max_length=11,
                help_text="Facultatif. Si vous êtes inscrit à France Travail : de 8 à 11 caractères.",
            )
        if "commune" in names:
            self.fields.update(_commune_fields(required=True, label="Commune de résidence"))
        if "education_level" in names:
            self.fields["education_level"] = forms.ChoiceField(
                label="Niveau de formation", choices=[("", "Choisissez un niveau")] + EducationLevel.choices
            )

    def clean_nir(self):
        value = self.cleaned_data.get("nir", "").strip()
        if not value:
            return ""
        nir = clean_nir(value)
        if JobSeekerProfile.objects.filter(nir=nir).exclude(user=self.job_seeker).exists():
            raise ValidationError(
                "Ce numéro de sécurité sociale est déjà associé à un autre compte. Contactez le support si c'est "
                "le vôtre."
            )
        return nir

    def clean_birthdate(self):
        return _check_birthdate(self.cleaned_data.get("birthdate"))

    def clean_france_travail_id(self):
        value = self.cleaned_data.get("france_travail_id", "").replace(" ", "").upper()
        if value:
            validate_france_travail_id(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if "nir" in self.fields and "nir" not in self.errors:
            nir, reason = cleaned.get("nir"), cleaned.get("lack_of_nir_reason")
            has_stored = bool(getattr(self.profile, "nir", ""))
            if nir and reason:
                self.add_error(
                    "lack_of_nir_reason", "Vous avez indiqué un numéro de sécurité sociale : laissez ce choix vide."
                )
            elif not nir and not reason and not has_stored:
                self.add_error(
                    "nir",
                    "Indiquez votre numéro de sécurité sociale, ou choisissez ci-dessous la raison pour laquelle "
                    "vous n'en avez pas.",
                )
        if "commune" in self.fields:
            self._clean_commune(cleaned)
        return cleaned

    def profile_fields(self) -> dict:
        data = self.cleaned_data
        fields = {}
        if "birthdate" in self.fields:
            fields["birthdate"] = data["birthdate"]
        if "nir" in self.fields:
            if data["nir"] or data["lack_of_nir_reason"]:
                fields.update(nir=data["nir"], lack_of_nir_reason=data["lack_of_nir_reason"])
            if data["france_travail_id"]:
                fields["france_travail_id"] = data["france_travail_id"]
        if "commune" in self.fields:
            fields["commune"] = data["commune_obj"]
        if "education_level" in self.fields:
            fields["education_level"] = data["education_level"]
        return fields

    @staticmethod
    def initial_for(profile) -> dict:
        if profile is None:
            return {}
        return {
            "birthdate": profile.birthdate,
            "lack_of_nir_reason": profile.lack_of_nir_reason,
            "france_travail_id": profile.france_travail_id,
            "commune": str(profile.commune) if profile.commune_id else "",
            "commune_code": profile.commune_id or "",
            "education_level": profile.education_level,
        }


# --------------------------------------------------------------------------------------
# Job descriptions
# --------------------------------------------------------------------------------------


class JobDescriptionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, job):
        parts = [job.display_name, job.get_contract_type_display()]
        if job.location_id:
            parts.append(job.location.name)
        if job.is_cv_required:
            parts.append("CV demandé")
        return " — ".join(parts)


class JobsForm(forms.Form):
    job_descriptions = JobDescriptionChoiceField(
        label="Fiches de poste ouvertes",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Vous pouvez en choisir plusieurs.",
        error_messages={
            "invalid_choice": "Cette fiche de poste n'est plus ouverte ou n'appartient pas à cette structure : "
            "choisissez parmi les fiches proposées.",
            "invalid_pk_value": "Cette fiche de poste est inconnue : choisissez parmi les fiches proposées.",
        },
    )

    def __init__(self, *args, job_descriptions, spontaneous_open: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.spontaneous_open = spontaneous_open
        self.fields["job_descriptions"].queryset = job_descriptions
        if not job_descriptions:
            del self.fields["job_descriptions"]
        if spontaneous_open:
            self.fields["spontaneous"] = forms.BooleanField(
                label="Candidature spontanée",
                required=False,
                help_text="Sans fiche de poste précise : la structure étudiera le profil pour ses futurs recrutements.",
            )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        jobs = list(cleaned.get("job_descriptions") or [])
        spontaneous = bool(cleaned.get("spontaneous"))
        cleaned["job_descriptions"] = jobs
        if jobs and spontaneous:
            raise ValidationError(
                "Choisissez des fiches de poste ou la candidature spontanée, pas les deux : décochez l'un ou l'autre."
            )
        if not jobs and not spontaneous:
            if self.spontaneous_open and "job_descriptions" in self.fields:
                raise ValidationError("Choisissez au moins une fiche de poste, ou la candidature spontanée.")
            if self.spontaneous_open:
                raise ValidationError("Cochez « Candidature spontanée » pour continuer.")
            raise ValidationError("Choisissez au moins une fiche de poste.")
        return cleaned


# --------------------------------------------------------------------------------------
# Message and CV
# --------------------------------------------------------------------------------------


class MessageForm(forms.Form):
    message = forms.CharField(
        label="Message à l'employeur",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    resume = forms.FileField(
        label="CV",
        required=False,
        help_text=f"Au format PDF, {RESUME_MAX_SIZE // (1024 * 1024)} Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(
        self,
        *args,
        message_required: bool,
        message_help: str,
        cv_required_for: list[str],
        stored_resume: dict | None,
        resume_too_big: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.stored_resume = stored_resume
        self.cv_required_for = cv_required_for
        self.resume_too_big = resume_too_big
        self.fields["message"].required = message_required
        self.fields["message"].help_text = message_help
        self.fields["resume"].widget = forms.FileInput(attrs={"accept": "application/pdf,.pdf"})
        if stored_resume:
            self.fields["remove_resume"] = forms.BooleanField(label="Retirer ce CV", required=False)

    def clean_resume(self):
        file = self.cleaned_data.get("resume")
        if self.resume_too_big:
            raise ValidationError(
                f"Ce fichier est trop lourd : le CV ne doit pas dépasser {RESUME_MAX_SIZE // (1024 * 1024)} Mo. "
                "Réduisez-le (par exemple en l'enregistrant à nouveau en PDF sans les images) puis joignez-le."
            )
        if file:
            resume_check(file)
        return file

    def clean(self):
        cleaned = super().clean()
        if "resume" in self.errors:
            return cleaned
        keeps_stored = self.stored_resume and not cleaned.get("remove_resume")
        if self.cv_required_for and not cleaned.get("resume") and not keeps_stored:
            names = ", ".join(f"« {name} »" for name in self.cv_required_for)
            self.add_error("resume", f"Un CV est demandé pour {names} : joignez-le au format PDF.")
        return cleaned
