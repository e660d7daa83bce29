"""Forms of the marketplace: commercial profile, buyer signup, need, answer, close, catalogue."""

from django import forms
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone

from itou.companies.queries import SEARCHABLE_COMPANY_KINDS
from itou.geo.models import Commune, Department, Region
from itou.marketplace.enums import AreaKind, BuyerKind, NeedOutcome, TurnoverBand
from itou.marketplace.models import MAX_ATTACHMENTS, CommercialProfile, Need, Sector
from itou.marketplace.services import attachment_check, image_process
from itou.www.search.forms import (
    COMMUNE_FIELDS,
    UNKNOWN_COMMUNE,
    CheckboxMultipleChoiceField,
    SearchForm,
    best_commune_match,
    commune_label,
)

COMMUNE_WIDGET_ATTRS = {
    "data-autocomplete-url": "/autocomplete/communes/",
    "data-autocomplete-target": "id_commune_code",
}


def sector_choices():
    return [(sector.pk, sector.name) for sector in Sector.objects.order_by("name")]


class SectorsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Sector.objects.order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": "Choisissez au moins un secteur d'activité.",
                "invalid_choice": "Choisissez les secteurs dans la liste.",
                "invalid_pk_value": "Choisissez les secteurs dans la liste.",
            },
            **kwargs,
        )


class CommuneMixin:
    """A commune typed (or picked in the autocomplete, which fills `commune_code`)."""

    def clean_commune_fields(self, cleaned) -> Commune | None:
        text, code = cleaned.get("commune", "").strip(), cleaned.get("commune_code", "").strip()
        commune = None
        if code and len(code) == 5:
            commune = Commune.objects.filter(code=code).only(*COMMUNE_FIELDS).first()
            if commune and text and text not in (commune_label(commune), commune.name):
                commune = best_commune_match(text)
        elif text:
            commune = best_commune_match(text)
        if commune is None:
            if text or code:
                self.add_error("commune", UNKNOWN_COMMUNE)
            return None
        if commune.latitude is None:
            self.add_error("commune", "Cette commune n'a pas de coordonnées connues : choisissez une commune voisine.")
            return None
        return commune


class CommercialProfileForm(forms.ModelForm):
    sectors = SectorsField(
        label="Secteurs d'activité", help_text="Ce que vous vendez : cochez tous les secteurs qui conviennent."
    )
    regions = forms.ModelMultipleChoiceField(
        label="Régions d'intervention",
        queryset=Region.objects.order_by("name"),
        required=False,
        help_text="Tous leurs départements sont ajoutés.",
    )
    departments = forms.MultipleChoiceField(
        label="Départements d'intervention",
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )
    image_file = forms.FileField(
        label="Logo ou photo",
        required=False,
        help_text="JPEG, PNG ou WebP, 5 Mo au plus. Visible par tous une fois le profil publié.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_image = forms.BooleanField(label="Retirer l'image actuelle", required=False)

    class Meta:
        model = CommercialProfile
        fields = [
            "sectors",
            "offer",
            "area_kind",
            "radius_km",
            "regions",
            "departments",
            "staff_count",
            "turnover_band",
            "labels",
            "references",
            "contact_name",
            "contact_email",
            "contact_phone",
            "can_cocontract",
            "notification_mode",
            "is_published",
        ]
        widgets = {
            "area_kind": forms.RadioSelect,
            "notification_mode": forms.RadioSelect,
            "offer": forms.Textarea(attrs={"rows": 4}),
            "labels": forms.Textarea(attrs={"rows": 2}),
            "references": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "references": "Clients et chantiers passés, avec une phrase de description pour chacun.",
            "labels": "Par exemple : Qualibat, ISO 14001, Ecovadis, Lucie.",
            "contact_email": "Montré aux acheteurs seulement après que vous avez répondu à leur besoin.",
            "contact_phone": "Montré aux acheteurs seulement après que vous avez répondu à leur besoin.",
            "radius_km": "De 1 à 500 km autour de votre commune.",
            "is_published": "Votre profil apparaît dans le catalogue et sur votre page publique, et vous recevez "
            "les besoins des acheteurs qui vous correspondent.",
            "can_cocontract": "Vous acceptez de répondre avec d'autres entreprises (groupement, co-traitance, sous-traitance).",
        }
        labels = {"is_published": "Publier mon profil commercial"}

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["departments"].choices = [(d.code, str(d)) for d in Department.objects.order_by("code")]
        self.fields["turnover_band"].choices = [("", "Non renseigné"), *TurnoverBand.choices]
        if not (self.instance.pk and self.instance.image):
            del self.fields["remove_image"]
        self.image_bytes = None

    def clean_image_file(self):
        file = self.cleaned_data.get("image_file")
        if file:
            self.image_bytes = image_process(file)
        return file

    def clean(self):
        cleaned = super().clean()
        departments = set(cleaned.get("departments") or [])
        regions = cleaned.get("regions") or []
        if regions:
            departments |= set(Department.objects.filter(region__in=regions).values_list("code", flat=True))
        cleaned["departments"] = sorted(departments)
        area = cleaned.get("area_kind")
        if area == AreaKind.DEPARTMENTS and not departments:
            self.add_error("departments", "Choisissez au moins un département ou une région où vous intervenez.")
        if area == AreaKind.RADIUS and self.company.latitude is None:
            self.add_error(
                "area_kind",
                "L'adresse de votre structure n'est pas localisée : choisissez des départements, ou complétez "
                "l'adresse dans « Ma structure ».",
            )
        return cleaned

    def profile_fields(self) -> dict:
        data = self.cleaned_data
        names = [name for name in self.Meta.fields if name not in ("sectors", "regions")]
        fields = {name: data[name] for name in names}
        if fields["area_kind"] != AreaKind.DEPARTMENTS:
            fields["departments"] = []
        if fields["radius_km"] is None:
            fields["radius_km"] = 30
        return fields


class BuyerOrganizationForm(CommuneMixin, forms.Form):
    name = forms.CharField(label="Nom de votre organisation", max_length=255)
    kind = forms.ChoiceField(label="Vous achetez pour", choices=BuyerKind.choices, widget=forms.RadioSelect)
    job_title = forms.CharField(
        label="Votre fonction", max_length=150, help_text="Par exemple : responsable des achats."
    )
    commune = forms.CharField(
        label="Commune de votre organisation",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=COMMUNE_WIDGET_ATTRS),
        help_text="Facultatif. Tapez le nom ou le code postal, puis choisissez dans la liste.",
    )
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        cleaned["commune_obj"] = self.clean_commune_fields(cleaned)
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); checked in the form's clean_<field>."""

    def clean(self, data, initial=None):
        return [super(MultipleFileField, self).clean(item, initial) for item in data] if data else []


class NeedForm(CommuneMixin, forms.ModelForm):
    sectors = SectorsField(label="Secteurs d'activité", help_text="Les employeurs de ces secteurs seront informés.")
    commune = forms.CharField(
        label="Lieu d'exécution",
        max_length=200,
        widget=forms.TextInput(attrs=COMMUNE_WIDGET_ATTRS),
        help_text="La commune où la prestation a lieu : tapez son nom ou son code postal, puis choisissez dans la liste.",
        error_messages={"required": "Indiquez la commune où la prestation a lieu."},
    )
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput)
    attachments = MultipleFileField(
        label="Pièces jointes",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=f"Cahier des charges, plans… Au format PDF, 5 Mo au plus chacune, {MAX_ATTACHMENTS} au plus.",
    )

    class Meta:
        model = Need
        fields = ["title", "kind", "sectors", "deadline", "description", "budget_band"]
        widgets = {
            "kind": forms.RadioSelect,
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "title": "En quelques mots : « Nettoyage des bureaux de la mairie annexe ».",
            "description": "Ce qu'il faut faire, la fréquence, la durée, les contraintes, comment répondre.",
            "deadline": "Les employeurs peuvent répondre jusqu'à cette date.",
        }
        error_messages = {"deadline": {"invalid": "Saisissez une date valide, par exemple 15/03/2027."}}

    field_order = ["title", "kind", "sectors", "commune", "commune_code", "deadline", "description", "budget_band"]

    def __init__(self, *args, files=None, **kwargs):
        super().__init__(*args, files=files, **kwargs)
        self.uploads = files.getlist("attachments") if files is not None else []
        self.commune_obj = None

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise ValidationError("La date limite de réponse doit être dans le futur : choisissez une date à venir.")
        return deadline

    def clean_attachments(self):
        if len(self.uploads) > MAX_ATTACHMENTS:
            raise ValidationError(f"{MAX_ATTACHMENTS} pièces jointes au plus.")
        errors = []
        for upload in self.uploads:
            try:
                attachment_check(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return None

    def clean(self):
        cleaned = super().clean()
        if "commune" not in self.errors:
            self.commune_obj = self.clean_commune_fields(cleaned)
        return cleaned

    def need_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "kind", "deadline", "description", "budget_band")}


class AnswerForm(forms.Form):
    message = forms.CharField(
        label="Votre message à l'acheteur",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que vous proposez, vos disponibilités. Obligatoire si vous êtes intéressé.",
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Issue", choices=NeedOutcome.choices, widget=forms.RadioSelect)
    winner = forms.TypedChoiceField(label="Employeur retenu", required=False, coerce=int, empty_value=None)
    amount = forms.IntegerField(label="Montant approximatif (€ HT)", required=False, min_value=0, max_value=100_000_000)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winner"].choices = [("", "—"), *((company.pk, company.display_name) for company in candidates)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == NeedOutcome.WON and not cleaned.get("winner"):
            self.add_error("winner", "Choisissez l'employeur retenu.")
        return cleaned


class ListAddForm(forms.Form):
    list_name = forms.CharField(label="Nom de la liste", max_length=150, initial="Ma sélection")


class CatalogueForm(SearchForm):
    default_radius = 50
    sectors = CheckboxMultipleChoiceField(
        label="Secteurs d'activité", invalid_message="Choisissez un secteur dans la liste."
    )
    department = forms.ChoiceField(label="Département", required=False)
    kinds = CheckboxMultipleChoiceField(
        label="Type de structure",
        choices=[(kind.value, kind.label) for kind in SEARCHABLE_COMPANY_KINDS],
        invalid_message="Choisissez un type de structure dans la liste.",
    )
    min_staff = forms.IntegerField(label="Effectif minimum (salariés)", required=False, min_value=0, max_value=100_000)
    cocontracting = forms.BooleanField(label="Peut répondre à plusieurs (groupement)", required=False)

    field_order = ["commune", "commune_code", "radius", "department", "sectors", "kinds", "min_staff", "cocontracting"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # Reference lists, read at most every CHOICES_CACHE_SECONDS by each process: two
        # queries fewer per search (docs/performance.md).
        self.fields["sectors"].choices = _cached_choices(
            "marketplace:sector-choices", lambda: [(str(pk), name) for pk, name in sector_choices()]
        )
        self.fields["department"].choices = _cached_choices(
            "marketplace:department-choices",
            lambda: [("", "Tous")] + [(d.code, str(d)) for d in Department.objects.order_by("code")],
        )


# A sector added by `import_sectors` shows in the catalogue's filters after this delay at most.
CHOICES_CACHE_SECONDS = 600


def _cached_choices(key: str, compute) -> list[tuple[str, str]]:
    cache = caches["pages"]
    choices = cache.get(key)
    if choices is None:
        choices = compute()
        cache.set(key, choices, CHOICES_CACHE_SECONDS)
    return choices
