"""The 5-step form of an employee record (ASP.md §2), validated against the ASP tables."""

import re

from django import forms
from django.core.exceptions import ValidationError

from itou.asp import refs
from itou.asp.models import AspCommune, Country
from itou.employee_records.enums import Status
from itou.users.validators import clean_nir, validate_france_travail_id

NTT_RE = re.compile(r"^[12][0-9]{9}[A-Za-z0-9]{1,30}$")
AF_RE = re.compile(r"^[A-Z]{2,4}[0-9A-Z]{3}[0-9]{2}[0-9]{4}A[0-9]+M[0-9]+$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def find_commune(value: str, *, on=None, current=False, label="commune"):
    """An ASP commune from its INSEE code or its exact name; a French error otherwise."""
    value = (value or "").strip()
    communes = AspCommune.objects.all()
    if current:
        communes = communes.current()
    elif on:
        communes = communes.valid_on(on)
    if re.fullmatch(r"[0-9][0-9AB][0-9]{3}", value.upper()):
        commune = communes.filter(code=value.upper()).order_by("-start_date").first()
        if commune is None:
            when = "à cette date de naissance" if on else "aujourd'hui"
            raise ValidationError(f"Aucune {label} n'existe {when} avec le code INSEE {value.upper()}.")
        return commune
    name = value.upper().replace("SAINT ", "SAINT-")
    matches = list(communes.filter(name__iexact=name).order_by("code")[:6])
    if not matches:
        raise ValidationError(
            f"Nous ne trouvons pas cette {label} dans le référentiel de l'ASP : indiquez son code INSEE (5 caractères)."
        )
    if len({c.code for c in matches}) > 1:
        codes = ", ".join(sorted({c.code for c in matches}))
        raise ValidationError(f"Plusieurs communes portent ce nom ({codes}) : indiquez le code INSEE.")
    return matches[0]


class IdentityForm(forms.Form):
    civility = forms.ChoiceField(
        label="Civilité", choices=[("M", "Monsieur"), ("MME", "Madame")], widget=forms.RadioSelect
    )
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénoms", max_length=150)
    birthdate = forms.DateField(label="Date de naissance", widget=DateInput())
    birth_country = forms.ModelChoiceField(
        label="Pays de naissance", queryset=Country.objects.order_by("name"), to_field_name="code"
    )
    birth_commune = forms.CharField(
        label="Commune de naissance",
        required=False,
        max_length=100,
        help_text="Obligatoire pour une naissance en France : nom exact ou code INSEE (par exemple 67482).",
    )
    nir = forms.CharField(
        label="Numéro de sécurité sociale",
        required=False,
        max_length=21,
        help_text="15 caractères. Laissez vide si la personne n'en a pas : indiquez alors le NTT.",
    )
    ntt = forms.CharField(
        label="Numéro technique temporaire (NTT)",
        required=False,
        max_length=40,
        help_text="Obligatoire sans numéro de sécurité sociale, ou si le NIA commence par 7 ou 8.",
    )

    def __init__(self, *args, company, **kwargs):
        self.company = company
        super().__init__(*args, **kwargs)

    def clean_nir(self):
        value = self.cleaned_data["nir"].replace(" ", "").upper()
        if not value:
            return ""
        if value[0] in "78":
            if not re.fullmatch(r"[78][0-9]{14}", value):
                raise ValidationError("Un NIA compte 15 chiffres.")
            return value
        return clean_nir(value)

    def clean(self):
        data = super().clean()
        birthdate, country = data.get("birthdate"), data.get("birth_country")
        data["birth_commune_code"], data["birth_commune_name"] = "", ""
        if country is not None and country.code == "100":
            if not data.get("birth_commune"):
                self.add_error("birth_commune", "Indiquez la commune de naissance : la personne est née en France.")
            elif birthdate:
                try:
                    commune = find_commune(data["birth_commune"], on=birthdate, label="commune de naissance")
                except ValidationError as error:
                    self.add_error("birth_commune", error)
                else:
                    data["birth_commune_code"], data["birth_commune_name"] = commune.code, commune.name
        nir, ntt = data.get("nir", ""), data.get("ntt", "").strip()
        civility = data.get("civility")
        if nir and nir[0] in "12":
            if civility and nir[0] != ("1" if civility == "M" else "2"):
                self.add_error("nir", "Le numéro de sécurité sociale ne correspond pas à la civilité.")
            if birthdate and nir[1:5] != f"{birthdate:%y%m}" and nir[3:5] not in {"20", "99"} and int(nir[3:5]) <= 12:
                self.add_error(
                    "nir", "Le numéro de sécurité sociale ne correspond pas à l'année et au mois de naissance."
                )
        if nir and nir[0] in "78" and not ntt:
            self.add_error(
                "ntt", "Dans votre cas où le NIA commence par 7 ou 8, vous devez également renseigner le NTT."
            )
        if not nir and not ntt:
            self.add_error("ntt", "Indiquez le numéro de sécurité sociale ou, à défaut, le NTT.")
        if ntt:
            if not NTT_RE.match(ntt):
                self.add_error(
                    "ntt",
                    "Le NTT compte 11 à 40 caractères : 1 ou 2, le SIREN de votre structure, puis 1 à 30 chiffres ou lettres.",
                )
            elif civility and ntt[0] != ("1" if civility == "M" else "2"):
                self.add_error("ntt", "Le NTT commence par 1 pour un homme, 2 pour une femme.")
            elif ntt[1:10] != self.company.siren:
                self.add_error(
                    "ntt", f"Les caractères 2 à 10 du NTT sont le SIREN de votre structure ({self.company.siren})."
                )
        data["ntt"] = ntt
        return data

    def record_data(self) -> dict:
        data = self.cleaned_data
        return {
            "civility": data["civility"],
            "last_name": data["last_name"].strip(),
            "first_name": data["first_name"].strip(),
            "birthdate": data["birthdate"],
            "birth_country": data["birth_country"],
            "birth_commune_code": data["birth_commune_code"],
            "birth_commune_name": data["birth_commune_name"],
            "nir": data["nir"],
            "ntt": data["ntt"],
        }

    @classmethod
    def initial_for(cls, record) -> dict:
        return {
            "civility": record.civility,
            "last_name": record.last_name,
            "first_name": record.first_name,
            "birthdate": record.birthdate,
            "birth_country": record.birth_country_id,
            "birth_commune": record.birth_commune_code,
            "nir": record.nir,
            "ntt": record.ntt,
        }


class AddressForm(forms.Form):
    lane_number = forms.CharField(label="Numéro dans la voie", required=False, max_length=5)
    lane_extension = forms.ChoiceField(
        label="Extension", required=False, choices=[("", "Aucune"), *refs.lane_extensions().items()]
    )
    lane_type = forms.ChoiceField(label="Type de voie", choices=[("", "Choisissez")])
    lane_name = forms.CharField(label="Nom de la voie", max_length=120, help_text="Sans le numéro ni le type de voie.")
    address_complement = forms.CharField(
        label="Complément d'adresse",
        required=False,
        max_length=32,
        help_text="32 caractères au plus : lettres sans accent, chiffres, espaces, @.",
    )
    post_code = forms.CharField(label="Code postal", max_length=5, min_length=5)
    commune = forms.CharField(label="Commune", max_length=100, help_text="Nom exact ou code INSEE.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lane_type"].choices = [("", "Choisissez"), *refs.street_type_choices()]

    def clean_lane_number(self):
        value = self.cleaned_data["lane_number"].strip()
        if value and not value.isdigit():
            raise ValidationError(
                "Le numéro ne contient que des chiffres : choisissez « bis » ou « ter » dans Extension."
            )
        return value

    def clean_address_complement(self):
        value = self.cleaned_data["address_complement"].strip()
        if value and not re.fullmatch(r"[a-zA-Z0-9@ ]{0,32}", value):
            raise ValidationError(
                "Le complément ne peut contenir que des lettres sans accent, des chiffres, des espaces et @."
            )
        return value

    def clean_post_code(self):
        value = self.cleaned_data["post_code"].strip()
        if not value.isdigit():
            raise ValidationError("Le code postal compte 5 chiffres.")
        return value

    def clean(self):
        from itou.geo.models import Commune

        data = super().clean()
        if data.get("lane_extension") and not data.get("lane_number"):
            self.add_error("lane_number", "Indiquez le numéro : une extension (bis, ter…) va avec un numéro.")
        if data.get("commune"):
            try:
                commune = find_commune(data["commune"], current=True)
            except ValidationError as error:
                self.add_error("commune", error)
            else:
                data["commune_code"], data["commune_name"] = commune.code, commune.name
                geo = Commune.objects.filter(code=commune.code).only("postal_codes").first()
                if geo and data.get("post_code") and data["post_code"] not in geo.postal_codes:
                    codes = ", ".join(geo.postal_codes)
                    self.add_error("post_code", f"Ce code postal n'est pas celui de {commune.name.title()} ({codes}).")
        return data

    def record_data(self) -> dict:
        data = self.cleaned_data
        keys = ["lane_number", "lane_extension", "lane_type", "lane_name", "address_complement", "post_code"]
        return {
            **{k: data[k] for k in keys},
            "commune_code": data["commune_code"],
            "commune_name": data["commune_name"],
        }

    @classmethod
    def initial_for(cls, record) -> dict:
        keys = ["lane_number", "lane_extension", "lane_type", "lane_name", "address_complement", "post_code"]
        return {**{k: getattr(record, k) for k in keys}, "commune": record.commune_code}


DURATION_FIELD_KWARGS = {"required": False, "choices": [("", "—"), *refs.DURATIONS]}
SITUATION_FIELDS = [
    "education_level", "france_travail_id", "france_travail_since", "unemployed_since", "resourceless",
    "rsa", "rsa_since", "ass", "ass_since", "aah", "aah_since", "rqth", "oeth", "left_ase", "isolated_parent",
    "housing_issue", "refugee", "left_prison", "low_french", "mobility_issue",
]  # fmt: skip
EITI_FIELDS = [
    "are", "are_since", "activity_bonus", "activity_bonus_since", "cape", "cesa", "business_creator_name",
    "mean_monthly_income", "contribution_rate",
]  # fmt: skip


class SituationForm(forms.ModelForm):
    class Meta:
        from itou.employee_records.models import EmployeeRecord

        model = EmployeeRecord
        fields = SITUATION_FIELDS + EITI_FIELDS
        labels = {"unemployed_since": "Sans emploi depuis (vide si la personne était en emploi)"}

    def __init__(self, *args, is_eiti=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education_level"].required = True
        if not is_eiti:
            for name in EITI_FIELDS:
                del self.fields[name]
        else:
            self.fields["business_creator_name"].required = True
            self.fields["mean_monthly_income"].required = True
            del self.fields["oeth"]

    def clean_france_travail_id(self):
        value = self.cleaned_data["france_travail_id"].replace(" ", "").upper()
        if value:
            validate_france_travail_id(value)
        return value

    def clean_business_creator_name(self):
        value = self.cleaned_data.get("business_creator_name", "").strip()
        if value and not re.fullmatch(r"[A-Za-zÀ-ÿ' -]{1,100}", value):
            raise ValidationError("Seulement des lettres, des espaces et des tirets (100 caractères au plus).")
        return value

    def clean(self):
        data = super().clean()
        if bool(data.get("france_travail_id")) != bool(data.get("france_travail_since")):
            self.add_error(
                "france_travail_since",
                "Indiquez l'identifiant France Travail et la durée d'inscription, ou aucun des deux.",
            )
        if data.get("rsa", "NON") != "NON" and not data.get("rsa_since"):
            self.add_error("rsa_since", "Indiquez depuis quand la personne perçoit le RSA.")
        for flag, since, label in (("ass", "ass_since", "l'ASS"), ("aah", "aah_since", "l'AAH")):
            if data.get(flag) and not data.get(since):
                self.add_error(since, f"Indiquez depuis quand la personne perçoit {label}.")
        income = data.get("mean_monthly_income")
        if income is not None and (income < 0 or income >= 100000):
            self.add_error("mean_monthly_income", "Le revenu mensuel moyen compte au plus 5 chiffres avant la virgule.")
        return data

    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class FinancialAnnexForm(forms.Form):
    financial_annex_number = forms.CharField(
        label="Numéro d'annexe financière (facultatif)",
        required=False,
        max_length=30,
        help_text="Par exemple ACI051170013A0M1. Il n'est pas transmis : l'ASP retrouve l'annexe par le SIRET et la mesure.",
    )

    def clean_financial_annex_number(self):
        value = self.cleaned_data["financial_annex_number"].replace(" ", "").upper()
        if value and not AF_RE.match(value):
            raise ValidationError("Ce numéro d'annexe financière n'a pas le bon format (par exemple ACI051170013A0M1).")
        return value

    def record_data(self) -> dict:
        return dict(self.cleaned_data)


class ListFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "Toutes"),
        ("TO_CREATE", "À créer"),
        (Status.NEW, "Nouvelles (à compléter)"),
        (Status.READY, "Complétées (envoi au prochain dépôt)"),
        (Status.SENT, "Envoyées"),
        (Status.REJECTED, "En erreur"),
        (Status.PROCESSED, "Intégrées"),
        (Status.DISABLED, "Désactivées"),
    ]
    status = forms.ChoiceField(label="État", choices=STATUS_CHOICES, required=False)
    q = forms.CharField(label="Nom ou numéro de PASS IAE", required=False, max_length=100)
