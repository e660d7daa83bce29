"""The search forms: GET parameters in, a validated search out (see docs/recherche.md).

Bad input never raises: an unknown commune, a radius outside the list or a garbage
value becomes a French message on the field, and the view shows no results.
"""

import re

from django import forms
from django.contrib.postgres.search import SearchQuery
from django.core.cache import caches
from django.db.models import BooleanField, ExpressionWrapper, Q

from itou.companies.enums import CompanyKind, ContractType
from itou.companies.queries import SEARCHABLE_COMPANY_KINDS
from itou.geo.distance import Point
from itou.geo.models import Commune
from itou.jobs.models import RomeDomain
from itou.prescribers.enums import PrescriberOrganizationKind
from itou.utils.text import normalize
from itou.www.autocomplete.search import parse_query

RADIUS_CHOICES_KM = (2, 5, 10, 15, 25, 50, 100)
UNKNOWN_COMMUNE = "Cette commune est inconnue : choisissez-la dans la liste proposée."
# Metropolitan (01–95, 2A, 2B) and overseas (971–976) department codes.
DEPARTMENT_CODE = re.compile(r"^(?:\d{2}|2[AB]|97\d)$")
MAX_MULTIPLE_VALUES = 30
COMMUNE_FIELDS = ("code", "name", "department_id", "latitude", "longitude", "search_text")


def best_commune_match(text: str) -> Commune | None:
    """The commune a visitor meant when typing a name or a postal code without choosing in the list.

    The same prefix search as the autocomplete (itou.www.autocomplete.search.parse_query on
    the indexed `search_vector`), in one query: an exact name first, then a name starting
    with the text, then the most populated. "Lyon (69)" finds Lyon: "69" is a postal code prefix.
    """
    parsed = parse_query(text)
    if parsed is None:
        return None
    exact = Q(search_text__in=parsed.phrases)
    prefix = Q()
    for phrase in parsed.phrases:
        prefix |= Q(search_text__startswith=phrase)
    return (
        Commune.objects.filter(search_vector=SearchQuery(parsed.tsquery, search_type="raw", config="simple"))
        .order_by(
            ExpressionWrapper(exact, output_field=BooleanField()).desc(),
            ExpressionWrapper(prefix, output_field=BooleanField()).desc(),
            "-population",
            "name",
            "code",
        )
        .only(*COMMUNE_FIELDS)
        .first()
    )


def commune_label(commune: Commune) -> str:
    return f"{commune.name} ({commune.department_id})"


class CheckboxMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes whose errors speak French and that ignore absurdly long lists."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, invalid_message: str, **kwargs):
        super().__init__(required=False, **kwargs)
        self.error_messages["invalid_choice"] = invalid_message
        self.error_messages["invalid_list"] = invalid_message

    def to_python(self, value):
        values = super().to_python(value)
        return list(dict.fromkeys(values))[:MAX_MULTIPLE_VALUES]


class SearchForm(forms.Form):
    """Commune and radius, common to every search.

    Without JavaScript the visitor types a name in `commune`; with it, the combobox also
    fills the hidden `commune_code` with the INSEE code. After validation `self.commune`
    is the Commune searched around (or None: no search yet), `self.point` its coordinates.
    """

    default_radius = 25
    commune = forms.CharField(
        label="Commune",
        required=False,
        max_length=200,
        help_text="Tapez le nom de la commune ou son code postal, puis choisissez dans la liste.",
        widget=forms.TextInput(
            attrs={"data-autocomplete-url": "/autocomplete/communes/", "data-autocomplete-target": "id_commune_code"}
        ),
    )
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        label="Distance",
        choices=[(radius, f"{radius} km") for radius in RADIUS_CHOICES_KM],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choisissez une distance dans la liste."},
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()  # A QueryDict (request.GET): the copy is mutable.
            if not data.get("radius"):
                data["radius"] = str(self.default_radius)
        super().__init__(data, **kwargs)
        self.commune = None
        self.point = None

    def clean_radius(self):
        return self.cleaned_data["radius"] or self.default_radius

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("commune", "").strip()
        code = cleaned.get("commune_code", "").strip()
        commune = None
        if code:
            # An INSEE code has 5 characters: anything else is unknown without asking the database.
            commune = commune_by_code(code) if len(code) == 5 else None
            # Without JavaScript the hidden code of the previous search stays in the form:
            # a visitor who typed another commune means that one.
            if commune and text and normalize(text) not in {normalize(commune_label(commune)), commune.search_text}:
                commune = best_commune_match(text)
        elif text:
            commune = best_commune_match(text)
        if (code or text) and commune is None:
            self.add_error("commune", UNKNOWN_COMMUNE)
        elif commune is not None and commune.latitude is None:
            self.add_error("commune", "Cette commune n'a pas de coordonnées connues : choisissez une commune voisine.")
        elif commune is not None:
            self.commune = commune
            self.point = Point(commune.latitude, commune.longitude)
            # What the page, its links and the pushed URL show: the commune actually searched.
            cleaned["commune"] = commune_label(commune)
            cleaned["commune_code"] = commune.code
            self.data["commune"] = cleaned["commune"]
            self.data["commune_code"] = commune.code
        return cleaned

    def query_params(self) -> list[tuple[str, str]]:
        """The canonical GET parameters of this (valid) search, for the pagination links."""
        params = []
        for name, value in self.cleaned_data.items():
            if name == "commune_code" or value in (None, "", [], False):
                continue
            values = value if isinstance(value, list) else [value]
            for item in values:
                params.append((name, "1" if item is True else str(item)))
        if self.commune:
            params.append(("commune_code", self.commune.code))
        return params


# Reference data (communes, ROME domains: changed by the imports only) read by every search
# is kept in the process's `pages` cache for this long: one SQL query less each per search.
REFERENCE_CACHE_SECONDS = 600
_MISSING = "-"


def commune_by_code(code: str):
    """The commune of this INSEE code (the fields a search needs), or None; memoized."""
    cache = caches["pages"]
    key = f"search-commune:{code}"
    commune = cache.get(key)
    if commune is None:
        commune = Commune.objects.filter(code=code).only(*COMMUNE_FIELDS).first() or _MISSING
        cache.set(key, commune, REFERENCE_CACHE_SECONDS)
    return None if commune == _MISSING else commune


def rome_domain_choices() -> list[tuple[str, str]]:
    """The ROME domains, as choices (memoized: the same for every search)."""
    cache = caches["pages"]
    choices = cache.get("search-rome-domains")
    if choices is None:
        choices = [(domain.code, domain.name) for domain in RomeDomain.objects.order_by("code")]
        cache.set("search-rome-domains", choices, REFERENCE_CACHE_SECONDS)
    return choices


class EmployerSearchForm(SearchForm):
    kinds = CheckboxMultipleChoiceField(
        label="Type de structure",
        choices=[(kind.value, kind.label) for kind in SEARCHABLE_COMPANY_KINDS],
        invalid_message="Choisissez un type de structure dans la liste.",
    )
    hiring = forms.BooleanField(
        label="Recrute en ce moment",
        required=False,
        help_text="Une fiche de poste ouverte ou des candidatures spontanées acceptées.",
    )
    domains = CheckboxMultipleChoiceField(
        label="Domaine professionnel",
        help_text="Les employeurs qui ont une fiche de poste ouverte dans ce domaine.",
        invalid_message="Choisissez un domaine professionnel dans la liste.",
    )

    order = forms.ChoiceField(
        label="Ordre des résultats",
        choices=[("", "Recrutent en ce moment d'abord"), ("distance", "Les plus proches d'abord")],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez un ordre dans la liste."},
    )

    field_order = ["commune", "commune_code", "radius", "order", "kinds", "hiring", "domains"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["domains"].choices = rome_domain_choices()

    @property
    def by_distance(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("order") == "distance"

    def clean(self):
        """`departments` is no form field: its choices are the departments the radius reaches,
        known only after the search (see company_department_counts); the template lists them."""
        cleaned = super().clean()
        codes = list(dict.fromkeys(code.strip().upper() for code in self.data.getlist("departments")))
        if any(not DEPARTMENT_CODE.match(code) for code in codes):
            self.add_error(None, "Choisissez un département dans la liste.")
            codes = [code for code in codes if DEPARTMENT_CODE.match(code)]
        cleaned["departments"] = codes[:MAX_MULTIPLE_VALUES]
        return cleaned


class JobDescriptionSearchForm(SearchForm):
    job = forms.CharField(
        label="Métier",
        required=False,
        max_length=100,
        help_text="Par exemple : cuisinier, maçon, agent d'entretien.",
    )
    kinds = CheckboxMultipleChoiceField(
        label="Type de structure",
        choices=[(kind.value, kind.label) for kind in SEARCHABLE_COMPANY_KINDS],
        invalid_message="Choisissez un type de structure dans la liste.",
    )
    contract_types = CheckboxMultipleChoiceField(
        label="Type de contrat",
        choices=[(contract.value, contract.label) for contract in ContractType if contract != ContractType.OTHER]
        + [(ContractType.OTHER.value, "Autre")],
        invalid_message="Choisissez un type de contrat dans la liste.",
    )
    domains = CheckboxMultipleChoiceField(
        label="Domaine professionnel",
        invalid_message="Choisissez un domaine professionnel dans la liste.",
    )

    field_order = ["commune", "commune_code", "radius", "job", "kinds", "contract_types", "domains"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["domains"].choices = rome_domain_choices()

    def clean_job(self):
        return " ".join(self.cleaned_data["job"].split())

    @property
    def appellation_tsquery(self) -> str | None:
        parsed = parse_query(self.cleaned_data.get("job", ""))
        return parsed.tsquery if parsed else None


class PrescriberSearchForm(SearchForm):
    default_radius = 5

    kinds = CheckboxMultipleChoiceField(
        label="Type d'organisation",
        choices=PrescriberOrganizationKind.choices,
        invalid_message="Choisissez un type d'organisation dans la liste.",
    )

    field_order = ["commune", "commune_code", "radius", "kinds"]


# What each kind of prescriber does for a job seeker, in plain French (UX.md).
PRESCRIBER_KIND_DESCRIPTIONS = {
    PrescriberOrganizationKind.FT: "Inscription comme demandeur d'emploi, indemnisation, accompagnement vers l'emploi et la formation.",
    PrescriberOrganizationKind.ML: "Accompagne les jeunes de 16 à 25 ans : emploi, formation, logement, santé.",
    PrescriberOrganizationKind.CAP_EMPLOI: "Accompagne vers l'emploi les personnes en situation de handicap.",
    PrescriberOrganizationKind.DEPT: "Accompagne les personnes au RSA et les familles en difficulté (service social du département).",
    PrescriberOrganizationKind.SPIP: "Accompagne vers l'insertion les personnes placées sous main de justice.",
    PrescriberOrganizationKind.PJJ: "Accompagne les mineurs et jeunes majeurs suivis par la justice.",
    PrescriberOrganizationKind.CCAS: "Aide sociale de la commune : démarches, aides, accompagnement social.",
    PrescriberOrganizationKind.PLIE: "Accompagnement renforcé et individuel vers l'emploi des personnes qui en sont éloignées.",
    PrescriberOrganizationKind.CHRS: "Héberge et accompagne vers l'autonomie les personnes en grande difficulté.",
    PrescriberOrganizationKind.CHU: "Hébergement d'urgence et premier accompagnement social.",
    PrescriberOrganizationKind.CIDFF: "Informe sur les droits et accompagne les femmes vers l'emploi.",
    PrescriberOrganizationKind.CAF: "Prestations familiales et accompagnement social des allocataires.",
    PrescriberOrganizationKind.CADA: "Héberge et accompagne les demandeurs d'asile.",
    PrescriberOrganizationKind.ASE: "Accompagne les jeunes confiés à l'aide sociale à l'enfance.",
    PrescriberOrganizationKind.E2C: "Formation et accompagnement des jeunes sortis de l'école sans diplôme.",
    PrescriberOrganizationKind.EPIDE: "Formation et accompagnement en internat des jeunes de 17 à 25 ans.",
    PrescriberOrganizationKind.AFPA: "Formations qualifiantes pour adultes.",
    PrescriberOrganizationKind.PIJ_BIJ: "Informe les jeunes sur l'emploi, la formation et leurs droits.",
    PrescriberOrganizationKind.PREVENTION: "Éducateurs qui accompagnent les jeunes dans leur quartier.",
}


KIND_DESCRIPTIONS = {
    CompanyKind.EI: "Une entreprise qui embauche des personnes éloignées de l'emploi et les accompagne vers un emploi durable.",
    CompanyKind.AI: "Une association qui emploie des personnes et les met à disposition de particuliers, d'associations ou d'entreprises pour des missions.",
    CompanyKind.ACI: "Une structure, souvent associative, qui propose un emploi accompagné pour reprendre pied dans le travail.",
    CompanyKind.ETTI: "Une agence d'intérim qui propose des missions avec un accompagnement.",
    CompanyKind.EITI: "Une structure qui accompagne des personnes qui créent leur propre activité.",
    CompanyKind.GEIQ: "Un groupement d'entreprises qui embauche et forme en alternance, avec un accompagnement.",
    CompanyKind.EA: "Une entreprise dont la plupart des salariés sont des travailleurs handicapés (RQTH).",
    CompanyKind.EATT: "Une agence d'intérim d'entreprise adaptée, pour les travailleurs handicapés (RQTH).",
}
