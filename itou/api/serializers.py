"""What the API returns and accepts. Field names in French: partners read them (docs/api.md)."""

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from itou.companies.enums import CompanyKind, ContractType
from itou.job_applications.enums import JobApplicationState, RefusalReason
from itou.prescribers.enums import PrescriberOrganizationKind


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class CommuneSerializer(serializers.Serializer):
    code_insee = serializers.CharField(source="code")
    nom = serializers.CharField(source="name")
    departement = serializers.CharField(source="department_id")


class JobDescriptionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titre = serializers.CharField(source="display_name")
    code_rome = serializers.SerializerMethodField()
    appellation = serializers.CharField(source="appellation_id", help_text="Code de l'appellation ROME.")
    type_contrat = serializers.ChoiceField(source="contract_type", choices=ContractType.choices)
    postes_ouverts = serializers.IntegerField(source="open_positions")
    heures_par_semaine = serializers.IntegerField(source="hours_per_week", allow_null=True)
    cv_necessaire = serializers.BooleanField(source="is_cv_required")
    mise_a_jour = serializers.DateTimeField(source="updated_at")
    url = serializers.SerializerMethodField()

    def get_code_rome(self, obj) -> str:
        return obj.appellation.rome_id

    def get_url(self, obj) -> str:
        return _absolute(reverse("companies:job_description_detail", args=[obj.pk]))


class JobDescriptionSerializer(JobDescriptionSummarySerializer):
    description = serializers.CharField()
    profil_recherche = serializers.CharField(source="profile_sought")
    ouverte = serializers.BooleanField(source="is_open")
    lieu = CommuneSerializer(source="location", allow_null=True)
    employeur_id = serializers.IntegerField(source="company_id")
    employeur_nom = serializers.CharField(source="company.display_name")
    distance_km = serializers.SerializerMethodField()

    def get_distance_km(self, obj) -> float | None:
        distance = getattr(obj, "distance", None)
        return None if distance is None else round(distance, 1)


class EmployerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    siret = serializers.CharField()
    type = serializers.ChoiceField(source="kind", choices=CompanyKind.choices)
    type_libelle = serializers.CharField(source="get_kind_display")
    nom = serializers.CharField(source="display_name")
    raison_sociale = serializers.CharField(source="name")
    adresse = serializers.CharField(source="address_line")
    code_postal = serializers.CharField(source="post_code")
    commune = CommuneSerializer(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    site_web = serializers.CharField(source="website")
    telephone = serializers.CharField(source="phone")
    candidatures_spontanees_ouvertes = serializers.BooleanField(source="spontaneous_applications_open")
    distance_km = serializers.SerializerMethodField()
    fiches_de_poste_ouvertes = JobDescriptionSummarySerializer(source="open_job_descriptions", many=True)
    url = serializers.SerializerMethodField()

    def get_distance_km(self, obj) -> float | None:
        distance = getattr(obj, "distance", None)
        return None if distance is None else round(distance, 1)

    def get_url(self, obj) -> str:
        return _absolute(reverse("companies:detail", args=[obj.pk]))


class EmployerDetailSerializer(EmployerSerializer):
    description = serializers.CharField()


class PrescriberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    siret = serializers.CharField()
    type = serializers.ChoiceField(source="kind", choices=PrescriberOrganizationKind.choices)
    type_libelle = serializers.CharField(source="get_kind_display")
    nom = serializers.CharField(source="name")
    adresse = serializers.CharField(source="address_line")
    code_postal = serializers.CharField(source="post_code")
    commune = CommuneSerializer(allow_null=True)
    telephone = serializers.CharField(source="phone")
    site_web = serializers.CharField(source="website")
    description = serializers.CharField()
    distance_km = serializers.SerializerMethodField()

    def get_distance_km(self, obj) -> float | None:
        distance = getattr(obj, "distance", None)
        return None if distance is None else round(distance, 1)


class ApprovalVerificationSerializer(serializers.Serializer):
    numero = serializers.CharField(source="number")
    valide_aujourd_hui = serializers.SerializerMethodField()
    statut = serializers.SerializerMethodField(
        help_text="valid (valable), suspended (suspendu), future (pas encore commencé), expired (expiré), "
        "cancelled (retiré)."
    )
    date_debut = serializers.SerializerMethodField()
    date_fin = serializers.SerializerMethodField()
    initiales_titulaire = serializers.CharField(source="holder_initials")

    def get_statut(self, obj) -> str:
        return obj.status()

    def get_valide_aujourd_hui(self, obj) -> bool:
        return obj.status() == "valid"

    def get_date_debut(self, obj) -> str | None:
        return None if obj.cancelled_at else obj.start_at.isoformat()

    def get_date_fin(self, obj) -> str | None:
        return None if obj.cancelled_at else obj.end_at.isoformat()


class DepartmentSearchSerializer(serializers.Serializer):
    """Either a NIR, or last name + first name + birth date (sent in the body, never in the URL)."""

    nir = serializers.CharField(required=False, max_length=21, help_text="13 ou 15 caractères ; espaces ignorés.")
    nom = serializers.CharField(required=False, max_length=150)
    prenom = serializers.CharField(required=False, max_length=150)
    date_naissance = serializers.DateField(required=False)

    def validate_nir(self, value):
        from stdnum.fr import nir as stdnum_nir

        compact = "".join(value.split()).upper()
        if not stdnum_nir.is_valid(compact) and not (len(compact) == 13 and compact[:2].isdigit()):
            raise serializers.ValidationError("NIR invalide : 13 ou 15 caractères attendus, clé comprise pour 15.")
        return compact[:13]

    def validate(self, attrs):
        has_nir = bool(attrs.get("nir"))
        has_identity = all(attrs.get(field) for field in ("nom", "prenom", "date_naissance"))
        if has_nir == has_identity:
            raise serializers.ValidationError(
                "Indiquez soit le NIR, soit le nom, le prénom et la date de naissance de la personne."
            )
        for field in ("nom", "prenom"):
            if attrs.get(field) is not None:
                attrs[field] = " ".join(attrs[field].split())
        return attrs


class DepartmentApplicationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    etat = serializers.ChoiceField(source="state", choices=JobApplicationState.choices)
    etat_libelle = serializers.CharField(source="get_state_display")
    date_candidature = serializers.DateTimeField(source="created_at")
    date_derniere_decision = serializers.DateTimeField(source="processed_at", allow_null=True)
    date_debut_contrat = serializers.DateField(source="hiring_start_at", allow_null=True)
    date_fin_contrat = serializers.DateField(source="hiring_end_at", allow_null=True)
    employeur = serializers.SerializerMethodField()
    candidat = serializers.SerializerMethodField()

    def get_employeur(self, obj) -> dict:
        company = obj.to_company
        return {
            "siret": company.siret,
            "nom": company.display_name,
            "type": company.kind,
            "commune": company.commune.name if company.commune_id else "",
        }

    def get_candidat(self, obj) -> dict:
        return {"prenom": obj.job_seeker.first_name, "nom": obj.job_seeker.last_name}


class SenderSerializer(serializers.Serializer):
    type = serializers.CharField(source="sender_kind")
    organisation = serializers.SerializerMethodField()

    def get_organisation(self, obj) -> str:
        if obj.sender_prescriber_organization_id:
            return obj.sender_prescriber_organization.name
        if obj.sender_company_id:
            return obj.sender_company.display_name
        return ""


class EmployerApplicationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    etat = serializers.ChoiceField(source="state", choices=JobApplicationState.choices)
    etat_libelle = serializers.CharField(source="get_state_display")
    date_candidature = serializers.DateTimeField(source="created_at")
    date_derniere_decision = serializers.DateTimeField(source="processed_at", allow_null=True)
    candidat = serializers.SerializerMethodField()
    emetteur = serializers.SerializerMethodField()
    fiches_de_poste = serializers.SerializerMethodField()
    message = serializers.CharField()
    date_debut_contrat = serializers.DateField(source="hiring_start_at", allow_null=True)
    date_fin_contrat = serializers.DateField(source="hiring_end_at", allow_null=True)
    motif_refus = serializers.ChoiceField(source="refusal_reason", choices=RefusalReason.choices, allow_blank=True)
    archivee = serializers.SerializerMethodField()

    def get_candidat(self, obj) -> dict:
        seeker = obj.job_seeker
        profile = getattr(seeker, "jobseeker_profile", None)
        return {
            "prenom": seeker.first_name,
            "nom": seeker.last_name,
            "date_naissance": profile.birthdate.isoformat() if profile and profile.birthdate else None,
            "email": seeker.email,
            "telephone": seeker.phone,
        }

    def get_emetteur(self, obj) -> dict:
        return SenderSerializer(obj).data

    def get_fiches_de_poste(self, obj) -> list[dict]:
        return [{"id": job.pk, "titre": job.display_name} for job in obj.selected_jobs.all()]

    def get_archivee(self, obj) -> bool:
        return obj.archived_at is not None


class ApplicationActionSerializer(serializers.Serializer):
    """The body of a state change: what the site's form asks for that action."""

    etat_attendu = serializers.ChoiceField(
        choices=JobApplicationState.choices,
        required=False,
        help_text="Refuse l'action si la candidature a changé d'état entre-temps (409).",
    )
    commentaire = serializers.CharField(required=False, allow_blank=True, max_length=3000)
    motif_refus = serializers.ChoiceField(choices=RefusalReason.employer_choices(), required=False)
    motif_partage_avec_candidat = serializers.BooleanField(required=False, default=False)
    reponse = serializers.CharField(required=False, allow_blank=True, max_length=3000)
    date_debut_contrat = serializers.DateField(required=False)
    date_fin_contrat = serializers.DateField(required=False, allow_null=True)


class JobDescriptionWriteSerializer(serializers.Serializer):
    appellation = serializers.CharField(max_length=6, help_text="Code de l'appellation ROME (6 chiffres).")
    type_contrat = serializers.ChoiceField(choices=ContractType.choices)
    titre_personnalise = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    profil_recherche = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    autre_type_contrat = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    heures_par_semaine = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=48)
    postes_ouverts = serializers.IntegerField(required=False, min_value=1, max_value=999, default=1)
    lieu = serializers.CharField(
        required=False, allow_blank=True, max_length=5, default="", help_text="Code INSEE de la commune."
    )
    cv_necessaire = serializers.BooleanField(required=False, default=False)
    ouverte = serializers.BooleanField(required=False, default=True)

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "appellation_code": data["appellation"],
            "contract_type": data["type_contrat"],
            "custom_title": data.get("titre_personnalise", ""),
            "description": data.get("description", ""),
            "profile_sought": data.get("profil_recherche", ""),
            "other_contract_type": data.get("autre_type_contrat", ""),
            "hours_per_week": data.get("heures_par_semaine"),
            "open_positions": data.get("postes_ouverts", 1),
            "location_code": data.get("lieu", ""),
            "is_cv_required": data.get("cv_necessaire", False),
            "is_open": data.get("ouverte", True),
        }


class ReferenceItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    libelle = serializers.CharField()


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField(source="kind")
    niveau = serializers.CharField(source="level")
    libelle = serializers.CharField(source="name")
    justificatif = serializers.CharField(source="written_proof")


class EmployeeRecordSerializer(serializers.Serializer):
    """An employee record as the employer's software sees it: its state on the platform and at
    the ASP, and `ligne_asp`, the very line the ASP file carries (itou.employee_records.serializers)."""

    id = serializers.IntegerField()
    statut = serializers.CharField(source="status")
    statut_libelle = serializers.CharField(source="get_status_display")
    numero_pass = serializers.CharField(source="approval_number")
    siret = serializers.CharField(source="asp_siret")
    candidature_id = serializers.UUIDField(source="job_application_id")
    fichier = serializers.SerializerMethodField()
    ligne = serializers.IntegerField(source="line_number", allow_null=True)
    code_traitement = serializers.CharField(source="asp_code")
    libelle_traitement = serializers.CharField(source="asp_label")
    integree_le = serializers.DateTimeField(source="processed_at", allow_null=True)
    mise_a_jour = serializers.DateTimeField(source="updated_at")
    ligne_asp = serializers.SerializerMethodField(
        help_text="La ligne du fichier envoyé à l'ASP (mêmes champs et formats), numLigne compris."
    )

    def get_fichier(self, obj) -> str | None:
        return obj.batch.filename if obj.batch_id else None

    def get_ligne_asp(self, obj) -> dict:
        from itou.employee_records.serializers import record_line

        return obj.archived_json or record_line(obj, obj.line_number or 0)


class UpdateNotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fiche_salarie_id = serializers.IntegerField(source="employee_record_id")
    statut = serializers.CharField(source="status")
    statut_libelle = serializers.CharField(source="get_status_display")
    fichier = serializers.SerializerMethodField()
    ligne = serializers.IntegerField(source="line_number", allow_null=True)
    code_traitement = serializers.CharField(source="asp_code")
    libelle_traitement = serializers.CharField(source="asp_label")
    creee_le = serializers.DateTimeField(source="created_at")

    def get_fichier(self, obj) -> str | None:
        return obj.batch.filename if obj.batch_id else None
