"""Forms of the employer screens. They check what a form can check on its own; the
services (itou.companies.job_descriptions) check the rest and have the last word."""

from django import forms
from django.core.exceptions import ValidationError

from itou.companies.job_descriptions import allowed_contract_types
from itou.companies.models import MAX_HOURS_PER_WEEK
from itou.geo.models import Commune
from itou.jobs.models import Appellation
from itou.utils.text import normalize

APPELLATIONS_URL = "/autocomplete/appellations/"
COMMUNES_URL = "/autocomplete/communes/"
PICK_APPELLATION = "Choisissez le métier dans la liste proposée pendant la saisie."
PICK_COMMUNE = "Choisissez la commune dans la liste proposée pendant la saisie."


def autocomplete_input(url: str, target: str) -> forms.TextInput:
    """The visible field of an autocomplete pair (itou/static/itou/js/combobox.js)."""
    return forms.TextInput(attrs={"data-autocomplete-url": url, "data-autocomplete-target": target})


def _label_without_suffix(label: str) -> str:
    """ "Boulanger / Boulangère (D1102)" -> "Boulanger / Boulangère"; "Lyon (69)" -> "Lyon"."""
    label = label.strip()
    if label.endswith(")") and " (" in label:
        return label[: label.rindex(" (")]
    return label


def resolve_appellation_code(code: str, label: str) -> str:
    """The appellation code the combobox chose; without JavaScript, the one whose name was typed exactly."""
    if code or not label:
        return code
    matches = list(
        Appellation.objects.filter(search_text=normalize(_label_without_suffix(label))).values_list("code", flat=True)[
            :2
        ]
    )
    return matches[0] if len(matches) == 1 else ""


def resolve_commune_code(code: str, label: str) -> str:
    """The commune code the combobox chose; without JavaScript, the only commune with the typed name."""
    if code or not label:
        return code
    name = _label_without_suffix(label)
    communes = Commune.objects.filter(search_text=normalize(name))
    department = label.strip()[len(name) :].strip(" ()")
    if department:
        communes = communes.filter(department_id=department)
    matches = list(communes.values_list("code", flat=True)[:2])
    return matches[0] if len(matches) == 1 else ""


class JobDescriptionForm(forms.Form):
    appellation = forms.CharField(
        label="Métier",
        max_length=300,
        help_text="Tapez au moins deux lettres du métier, puis choisissez-le dans la liste "
        "(répertoire des métiers ROME de France Travail).",
        widget=autocomplete_input(APPELLATIONS_URL, "id_appellation_code"),
        error_messages={"required": "Indiquez le métier : tapez quelques lettres puis choisissez dans la liste."},
    )
    appellation_code = forms.CharField(required=False, widget=forms.HiddenInput)
    custom_title = forms.CharField(
        label="Intitulé du poste",
        max_length=255,
        required=False,
        help_text="Facultatif. Laissez vide pour afficher le nom du métier. "
        "Exemple : « Maraîcher en agriculture biologique ».",
    )
    contract_type = forms.ChoiceField(
        label="Type de contrat",
        error_messages={
            "required": "Choisissez un type de contrat.",
            "invalid_choice": "Ce type de contrat n'est pas possible pour votre structure : choisissez-en un dans la liste.",
        },
    )
    other_contract_type = forms.CharField(
        label="Précisez le type de contrat",
        max_length=255,
        required=False,
        help_text="Seulement si vous avez choisi « Autre type de contrat ».",
    )
    hours_per_week = forms.IntegerField(
        label="Nombre d'heures par semaine",
        required=False,
        min_value=1,
        max_value=MAX_HOURS_PER_WEEK,
        help_text=f"Facultatif, {MAX_HOURS_PER_WEEK} heures au maximum. Laissez vide si la durée varie.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": "Indiquez au moins 1 heure par semaine.",
            "max_value": f"La durée du travail ne peut pas dépasser {MAX_HOURS_PER_WEEK} heures par semaine.",
            "invalid": "Indiquez un nombre entier d'heures, par exemple 26.",
        },
    )
    open_positions = forms.IntegerField(
        label="Nombre de postes ouverts",
        min_value=1,
        max_value=999,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Indiquez le nombre de postes ouverts.",
            "min_value": "Indiquez au moins un poste ouvert.",
            "max_value": "Indiquez 999 postes au plus.",
            "invalid": "Indiquez un nombre entier de postes, par exemple 2.",
        },
    )
    location = forms.CharField(
        label="Lieu de travail",
        max_length=200,
        required=False,
        widget=autocomplete_input(COMMUNES_URL, "id_location_code"),
    )
    location_code = forms.CharField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label="Description du poste",
        required=False,
        help_text="Facultatif. Les missions, les horaires, les conditions de travail, l'accompagnement proposé…",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    profile_sought = forms.CharField(
        label="Profil recherché",
        required=False,
        help_text="Facultatif. Savoir-être, permis, mobilité… Si aucun diplôme n'est demandé, dites-le.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_cv_required = forms.BooleanField(label="Un CV est nécessaire pour postuler", required=False)
    is_open = forms.BooleanField(
        label="Recrutement ouvert",
        required=False,
        initial=True,
        help_text="Décochez pour enregistrer la fiche sans la publier.",
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["contract_type"].choices = [("", "Choisissez un type de contrat")] + allowed_contract_types(
            company.kind
        )
        where = company.commune.name if company.commune else "votre structure"
        self.fields["location"].help_text = (
            f"Facultatif. Laissez vide si le poste est à l'adresse de la structure ({where}). "
            "Sinon, tapez le nom de la commune ou son code postal, puis choisissez-la dans la liste."
        )

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("appellation", "")
        cleaned["appellation_code"] = resolve_appellation_code(cleaned.get("appellation_code", ""), label)
        if label and not cleaned["appellation_code"]:
            self.add_error("appellation", PICK_APPELLATION)
        location = cleaned.get("location", "")
        cleaned["location_code"] = resolve_commune_code(cleaned.get("location_code", ""), location)
        if location and not cleaned["location_code"]:
            self.add_error("location", PICK_COMMUNE)
        if not location:
            cleaned["location_code"] = ""
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "appellation_code": data["appellation_code"],
            "contract_type": data["contract_type"],
            "custom_title": data["custom_title"],
            "description": data["description"],
            "profile_sought": data["profile_sought"],
            "other_contract_type": data["other_contract_type"],
            "hours_per_week": data["hours_per_week"],
            "open_positions": data["open_positions"],
            "location_code": data["location_code"],
            "is_cv_required": data["is_cv_required"],
            "is_open": data["is_open"],
        }

    @staticmethod
    def initial_for(job_description) -> dict:
        appellation = job_description.appellation
        return {
            "appellation": f"{appellation.name} ({appellation.rome_id})",
            "appellation_code": appellation.code,
            "custom_title": job_description.custom_title,
            "contract_type": job_description.contract_type,
            "other_contract_type": job_description.other_contract_type,
            "hours_per_week": job_description.hours_per_week,
            "open_positions": job_description.open_positions,
            "location": str(job_description.location) if job_description.location else "",
            "location_code": job_description.location_id or "",
            "description": job_description.description,
            "profile_sought": job_description.profile_sought,
            "is_cv_required": job_description.is_cv_required,
            "is_open": job_description.is_open,
        }


class AddressFieldsMixin(forms.Form):
    """Address with a commune picked in the autocomplete (visible name + hidden INSEE code)."""

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("commune", "")
        cleaned["commune_code"] = resolve_commune_code(cleaned.get("commune_code", ""), label)
        if label and not cleaned["commune_code"]:
            self.add_error("commune", PICK_COMMUNE)
        return cleaned


def _commune_field() -> forms.CharField:
    return forms.CharField(
        label="Commune",
        max_length=200,
        help_text="Tapez le nom de la commune ou son code postal, puis choisissez-la dans la liste.",
        widget=autocomplete_input(COMMUNES_URL, "id_commune_code"),
        error_messages={"required": "Indiquez la commune : tapez son nom puis choisissez dans la liste."},
    )


def _phone_field() -> forms.CharField:
    return forms.CharField(
        label="Téléphone",
        max_length=20,
        required=False,
        help_text="Facultatif. Exemple : 04 78 70 12 34.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class CompanyPublicInfoForm(AddressFieldsMixin):
    brand = forms.CharField(
        label="Enseigne",
        max_length=255,
        required=False,
        help_text="Facultatif. Le nom sous lequel le public vous connaît, s'il diffère du nom officiel.",
    )
    address_line = forms.CharField(
        label="Adresse",
        max_length=255,
        help_text="Numéro et voie. Exemple : 27 avenue Jean Jaurès.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"required": "Indiquez l'adresse (numéro et voie)."},
    )
    post_code = forms.CharField(
        label="Code postal",
        max_length=5,
        min_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        error_messages={
            "required": "Indiquez le code postal.",
            "min_length": "Le code postal doit comporter 5 chiffres.",
            "max_length": "Le code postal doit comporter 5 chiffres.",
        },
    )
    commune = _commune_field()
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput)
    phone = _phone_field()
    email = forms.EmailField(
        label="Adresse e-mail de contact",
        required=False,
        help_text="Facultatif. Une adresse générique de la structure plutôt que celle d'une personne. Elle n'est pas "
        "affichée sur la page publique. Format attendu : nom@domaine.fr.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Cette adresse e-mail n'est pas valide. Format attendu : nom@domaine.fr."},
    )
    website = forms.URLField(
        label="Site web",
        required=False,
        assume_scheme="https",
        help_text="Facultatif. Exemple : https://www.exemple.fr.",
        error_messages={"invalid": "Cette adresse de site web n'est pas valide. Exemple : https://www.exemple.fr."},
    )
    description = forms.CharField(
        label="Présentation de la structure",
        required=False,
        help_text="Facultatif. Votre activité, l'accompagnement proposé, ce qu'il faut savoir avant de postuler.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    field_order = ["brand", "address_line", "post_code", "commune", "phone", "email", "website", "description"]

    @staticmethod
    def initial_for(company) -> dict:
        return {
            "brand": company.brand,
            "address_line": company.address_line,
            "post_code": company.post_code,
            "commune": str(company.commune) if company.commune else "",
            "commune_code": company.commune_id or "",
            "phone": company.phone,
            "email": company.email,
            "website": company.website,
            "description": company.description,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in (*self.field_order, "commune_code") if name != "commune"}


class AntenneForm(AddressFieldsMixin):
    siret = forms.CharField(
        label="SIRET de l'antenne",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Indiquez le numéro SIRET de l'antenne (14 chiffres)."},
    )
    name = forms.CharField(
        label="Nom de l'antenne",
        max_length=255,
        error_messages={"required": "Indiquez le nom de l'antenne."},
    )
    brand = forms.CharField(label="Enseigne", max_length=255, required=False, help_text="Facultatif.")
    address_line = CompanyPublicInfoForm.base_fields["address_line"]
    post_code = CompanyPublicInfoForm.base_fields["post_code"]
    commune = _commune_field()
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput)
    phone = _phone_field()
    email = CompanyPublicInfoForm.base_fields["email"]
    description = CompanyPublicInfoForm.base_fields["description"]

    def __init__(self, *args, holder, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "siret"
        ].help_text = (
            f"14 chiffres. Une antenne a le même SIREN que sa structure : son SIRET commence par {holder.siren}."
        )

    def clean_siret(self):
        # The service validates the keys; here only what a person may type around the digits.
        return self.cleaned_data["siret"].replace(" ", "").replace(".", "")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        names = ("siret", "name", "brand", "address_line", "post_code", "commune_code", "phone", "email", "description")
        return {name: data[name] for name in names}


def add_service_errors(form: forms.Form, error: ValidationError, *, aliases: dict | None = None) -> None:
    """Show a service's ValidationError on the form: on the matching field, or at the top."""
    aliases = aliases or {}
    for field, messages in error.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, messages)
