"""The endpoints of /api/v1/ (docs/api.md).

Each view declares its authentication, permission (scope) and throttle classes, and reads
through the same query and permission functions as the site.
"""

import hashlib
import uuid

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from itou.api import serializers as api_serializers
from itou.api import services
from itou.api.auth import (
    DepartmentThrottle,
    EmployerThrottle,
    IsDepartmentToken,
    IsEmployerToken,
    IsPartnerToken,
    PartnerThrottle,
    PublicThrottle,
    TokenAuthentication,
)
from itou.api.pagination import (
    ApplicationCursorPagination,
    CreatedCursorPagination,
    SearchPagination,
    UpdatedCursorPagination,
)
from itou.approvals import queries as approval_queries
from itou.companies import job_descriptions as job_description_services
from itou.companies import queries as company_queries
from itou.companies.enums import CompanyKind, ContractType
from itou.companies.models import Company, JobDescription
from itou.eligibility.models import AdministrativeCriteria
from itou.employee_records.enums import Status as EmployeeRecordStatus
from itou.employee_records.models import EmployeeRecord, UpdateNotification
from itou.geo.distance import Point
from itou.geo.models import Commune
from itou.job_applications import perms as application_perms
from itou.job_applications import services as app_services
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication
from itou.jobs.models import RomeDomain
from itou.prescribers import queries as prescriber_queries
from itou.utils.text import normalize
from itou.www.autocomplete.search import appellations_autocomplete, communes_autocomplete

RADIUS_CHOICES_KM = (2, 5, 10, 15, 25, 50, 100)
PUBLIC_CACHE_SECONDS = 60
# Departments look at the last 3 months of applications (the partner agreement's purpose).
DEPARTMENT_LOOKBACK_MONTHS = 3


def paginated(serializer_class, *, cursor: bool = False):
    """The documented shape of a page of `serializer_class` rows."""
    fields = {
        "next": serializers.URLField(allow_null=True, help_text="La page suivante, ou null."),
        "previous": serializers.URLField(allow_null=True, help_text="La page précédente, ou null."),
        "results": serializer_class(many=True),
    }
    if not cursor:
        fields = {"count": serializers.IntegerField(help_text="Nombre total de résultats."), **fields}
    name = serializer_class.__name__.replace("Serializer", "")
    return inline_serializer(f"Page{'Curseur' if cursor else ''}{name}", fields=fields)


class PublicView(GenericAPIView):
    """No token, throttled per IP, ETag and a short public cache on successful reads."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [PublicThrottle]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response.render()
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
            if etag in [value.strip() for value in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
                not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
                not_modified = super().finalize_response(request, not_modified, *args, **kwargs)
                not_modified["ETag"] = etag
                not_modified["Cache-Control"] = response["Cache-Control"]
                return not_modified
        return response


def _multi(request, name: str, choices) -> list[str]:
    values = [value for raw in request.query_params.getlist(name) for value in raw.split(",") if value]
    unknown = sorted(set(values) - set(choices))
    if unknown:
        raise ValidationError({name: [f"Valeur inconnue : {', '.join(unknown)[:200]}."]})
    return values


class _SearchParams(serializers.Serializer):
    code_insee = serializers.RegexField(
        r"^[0-9][0-9AB][0-9]{3}$",
        required=False,
        help_text="Code INSEE de la commune au centre de la recherche (ex. 42218 pour Saint-Étienne).",
        error_messages={"invalid": "Code INSEE invalide : 5 caractères (ex. 42218)."},
    )
    rayon = serializers.ChoiceField(
        choices=RADIUS_CHOICES_KM, required=False, default=25, help_text="Rayon en km (défaut 25)."
    )
    departement = serializers.RegexField(
        r"^([0-9]{2}|2A|2B|97[1-6])$",
        required=False,
        help_text="Code du département, à la place de code_insee.",
        error_messages={"invalid": "Code de département invalide (ex. 42, 2A, 974)."},
    )

    def validate(self, attrs):
        if bool(attrs.get("code_insee")) == bool(attrs.get("departement")):
            raise serializers.ValidationError("Indiquez soit code_insee (avec rayon), soit departement.")
        if attrs.get("code_insee"):
            commune = Commune.objects.filter(code=attrs["code_insee"]).only("code", "latitude", "longitude").first()
            if commune is None or commune.latitude is None:
                raise serializers.ValidationError({"code_insee": ["Commune inconnue ou sans coordonnées."]})
            attrs["point"] = Point(commune.latitude, commune.longitude)
        return attrs


def _search_params(request):
    """The place (validated `_SearchParams`) and the filters shared by both searches."""
    params = _SearchParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    kinds = _multi(request, "type", company_queries.SEARCHABLE_COMPANY_KINDS)
    domains = _multi(request, "domaine_rome", "ABCDEFGHIJKLMN")
    contracts = _multi(request, "type_contrat", ContractType.values)
    return params.validated_data, kinds, domains, contracts


_FILTER_PARAMETERS = [
    OpenApiParameter("type", str, many=True, enum=[kind.value for kind in CompanyKind], description="Types."),
    OpenApiParameter("domaine_rome", str, many=True, description="Lettres des grands domaines ROME (A à N)."),
    OpenApiParameter(
        "type_contrat", str, many=True, enum=[value.value for value in ContractType], description="Types de contrat."
    ),
]


def _open_job_descriptions_prefetch():
    return Prefetch(
        "job_descriptions",
        queryset=JobDescription.objects.filter(is_open=True)
        .select_related("appellation")
        .defer("description", "profile_sought", "appellation__search_vector", "appellation__search_text")
        .order_by("ui_rank", "pk"),
        to_attr="open_job_descriptions",
    )


class EmployerSearchView(PublicView):
    """Employers and their open job descriptions near a commune, or in a department."""

    serializer_class = api_serializers.EmployerSerializer
    pagination_class = SearchPagination

    @extend_schema(
        operation_id="employeurs_recherche",
        tags=["Public"],
        summary="Rechercher des employeurs solidaires",
        parameters=[_SearchParams, *_FILTER_PARAMETERS],
        responses=paginated(api_serializers.EmployerSerializer),
    )
    def get(self, request):
        data, kinds, domains, contracts = _search_params(request)
        if "point" in data:
            queryset = company_queries.companies_results(
                company_queries.companies_near(data["point"], data["rayon"], kinds=kinds, rome_domains=domains)
            )
        else:
            queryset = company_queries.searchable_companies().filter(commune__department_id=data["departement"])
            if kinds:
                queryset = queryset.filter(kind__in=kinds)
            if domains:
                queryset = queryset.filter(
                    Exists(JobDescription.objects.filter(company=OuterRef("pk"), is_open=True, rome_domain__in=domains))
                )
            queryset = queryset.select_related("commune").defer(
                "description", *(f"commune__{field}" for field in company_queries.COMMUNE_UNUSED_FIELDS)
            )
            queryset = queryset.annotate(
                hiring_now=ExpressionWrapper(
                    Q(spontaneous_applications_open_since__isnull=False)
                    | Q(Exists(JobDescription.objects.filter(company=OuterRef("pk"), is_open=True))),
                    output_field=BooleanField(),
                )
            ).order_by("-hiring_now", "name", "pk")
        if contracts:
            queryset = queryset.filter(
                Exists(JobDescription.objects.filter(company=OuterRef("pk"), is_open=True, contract_type__in=contracts))
            )
        page = self.paginate_queryset(queryset.prefetch_related(_open_job_descriptions_prefetch()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EmployerDetailView(PublicView):
    serializer_class = api_serializers.EmployerDetailSerializer

    @extend_schema(operation_id="employeur_detail", tags=["Public"], summary="Un employeur et ses fiches de poste")
    def get(self, request, pk: int):
        company = get_object_or_404(
            company_queries.searchable_companies()
            .select_related("commune")
            .prefetch_related(_open_job_descriptions_prefetch()),
            pk=pk,
        )
        return Response(self.get_serializer(company).data)


class JobDescriptionSearchView(PublicView):
    serializer_class = api_serializers.JobDescriptionSerializer
    pagination_class = SearchPagination

    @extend_schema(
        operation_id="fiches_de_poste_recherche",
        tags=["Public"],
        summary="Rechercher des fiches de poste ouvertes",
        parameters=[_SearchParams, *_FILTER_PARAMETERS],
        responses=paginated(api_serializers.JobDescriptionSerializer),
    )
    def get(self, request):
        data, kinds, domains, contracts = _search_params(request)
        if "point" in data:
            queryset = company_queries.job_descriptions_near(
                data["point"], data["rayon"], kinds=kinds, rome_domains=domains, contract_types=contracts
            ).order_by(*company_queries.JOB_DESCRIPTION_RESULTS_ORDER)
        else:
            queryset = JobDescription.objects.filter(
                is_open=True,
                company__in=company_queries.searchable_companies(),
                company__commune__department_id=data["departement"],
            )
            if kinds:
                queryset = queryset.filter(company__kind__in=kinds)
            if domains:
                queryset = queryset.filter(rome_domain_id__in=domains)
            if contracts:
                queryset = queryset.filter(contract_type__in=contracts)
            queryset = queryset.order_by("-updated_at", "pk")
        # The serializer shows both long texts: deferred, each would cost one query per row.
        queryset = queryset.select_related(*company_queries.JOB_DESCRIPTION_CARD_RELATED).defer(
            *(
                field
                for field in company_queries.JOB_DESCRIPTION_CARD_DEFERRED
                if field not in ("description", "profile_sought")
            )
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class JobDescriptionDetailView(PublicView):
    serializer_class = api_serializers.JobDescriptionSerializer

    @extend_schema(operation_id="fiche_de_poste_detail", tags=["Public"], summary="Une fiche de poste ouverte")
    def get(self, request, pk: int):
        job_description = get_object_or_404(
            JobDescription.objects.filter(is_open=True, company__in=company_queries.searchable_companies())
            .select_related(*company_queries.JOB_DESCRIPTION_CARD_RELATED)
            .defer(
                *(
                    f
                    for f in company_queries.JOB_DESCRIPTION_CARD_DEFERRED
                    if f not in ("description", "profile_sought")
                )
            ),
            pk=pk,
        )
        return Response(self.get_serializer(job_description).data)


class _PrescriberParams(serializers.Serializer):
    code_insee = serializers.RegexField(
        r"^[0-9][0-9AB][0-9]{3}$",
        help_text="Code INSEE de la commune.",
        error_messages={"invalid": "Code INSEE invalide : 5 caractères (ex. 42218)."},
    )
    rayon = serializers.ChoiceField(choices=RADIUS_CHOICES_KM, required=False, default=25)


class PrescriberSearchView(PublicView):
    serializer_class = api_serializers.PrescriberSerializer
    pagination_class = SearchPagination

    @extend_schema(
        operation_id="prescripteurs_recherche",
        tags=["Public"],
        summary="Prescripteurs habilités près d'une commune",
        parameters=[_PrescriberParams],
        responses=paginated(api_serializers.PrescriberSerializer),
    )
    def get(self, request):
        params = _PrescriberParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        commune = Commune.objects.filter(code=params.validated_data["code_insee"]).first()
        if commune is None or commune.latitude is None:
            raise ValidationError({"code_insee": ["Commune inconnue ou sans coordonnées."]})
        queryset = prescriber_queries.authorized_organizations_near(
            Point(commune.latitude, commune.longitude), params.validated_data["rayon"]
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class _TextParams(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="Au moins 2 caractères.")


class CommuneReferenceView(PublicView):
    serializer_class = api_serializers.CommuneSerializer

    @extend_schema(
        operation_id="referentiel_communes",
        tags=["Référentiels"],
        summary="Chercher une commune",
        parameters=[_TextParams],
        responses=api_serializers.CommuneSerializer(many=True),
    )
    def get(self, request):
        params = _TextParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = [
            {"code": row["id"], "name": row["name"], "department_id": row["department"]}
            for row in communes_autocomplete(params.validated_data["q"])
        ]
        return Response(self.get_serializer(rows, many=True).data)


class AppellationReferenceView(PublicView):
    serializer_class = api_serializers.ReferenceItemSerializer

    @extend_schema(
        operation_id="referentiel_metiers",
        tags=["Référentiels"],
        summary="Chercher un métier",
        parameters=[_TextParams],
        responses=api_serializers.ReferenceItemSerializer(many=True),
    )
    def get(self, request):
        params = _TextParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = [
            {"code": row["id"], "libelle": row["label"]}
            for row in appellations_autocomplete(params.validated_data["q"])
        ]
        return Response(self.get_serializer(rows, many=True).data)


class RomeDomainReferenceView(PublicView):
    serializer_class = api_serializers.ReferenceItemSerializer

    @extend_schema(
        operation_id="referentiel_domaines_rome",
        tags=["Référentiels"],
        summary="Grands domaines ROME",
        responses=api_serializers.ReferenceItemSerializer(many=True),
    )
    def get(self, request):
        rows = [{"code": d.code, "libelle": d.name} for d in RomeDomain.objects.order_by("code")]
        return Response(self.get_serializer(rows, many=True).data)


class CriteriaReferenceView(PublicView):
    serializer_class = api_serializers.CriterionSerializer

    @extend_schema(
        operation_id="referentiel_criteres",
        tags=["Référentiels"],
        summary="Critères d'éligibilité IAE",
        responses=api_serializers.CriterionSerializer(many=True),
    )
    def get(self, request):
        criteria = AdministrativeCriteria.objects.order_by("level", "ui_rank", "pk")
        return Response(self.get_serializer(criteria, many=True).data)


class ApprovalVerificationView(GenericAPIView):
    """The public verification page's data, for partners (France Travail…)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsPartnerToken]
    throttle_classes = [PartnerThrottle]
    serializer_class = api_serializers.ApprovalVerificationSerializer

    @extend_schema(
        operation_id="pass_iae_verification",
        tags=["Partenaires"],
        summary="Vérifier un PASS IAE",
        parameters=[
            OpenApiParameter("numero", str, OpenApiParameter.PATH, description="12 chiffres, espaces ignorés.")
        ],
    )
    def get(self, request, numero: str):
        compact = "".join(numero.split())
        approval = approval_queries.find_by_number(compact) if compact.isdigit() and len(compact) <= 20 else None
        services.log_access(
            request=request,
            token=request.auth,
            rows=1 if approval else 0,
            status_code=200 if approval else 404,
            lookup_kind="numero_pass",
            lookup_value=compact[:20],
        )
        if approval is None:
            raise NotFound("Aucun PASS IAE ne porte ce numéro.")
        return Response(self.get_serializer(approval).data)


class DepartmentApplicationSearchView(GenericAPIView):
    """Applications of the last 3 months of one person, to employers of the token's department."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsDepartmentToken]
    throttle_classes = [DepartmentThrottle]
    serializer_class = api_serializers.DepartmentApplicationSerializer

    @extend_schema(
        operation_id="departement_candidatures_recherche",
        tags=["Départements"],
        summary="Candidatures récentes d'une personne dans le département",
        request=api_serializers.DepartmentSearchSerializer,
        responses=api_serializers.DepartmentApplicationSerializer(many=True),
    )
    def post(self, request):
        search = api_serializers.DepartmentSearchSerializer(data=request.data)
        search.is_valid(raise_exception=True)
        data = search.validated_data
        since = timezone.now() - relativedelta(months=DEPARTMENT_LOOKBACK_MONTHS)
        queryset = JobApplication.objects.filter(
            created_at__gte=since, to_company__commune__department_id=request.auth.department_id
        )
        if data.get("nir"):
            queryset = queryset.filter(job_seeker__jobseeker_profile__nir__startswith=data["nir"])
            lookup_kind, lookup_value = "nir", data["nir"]
        else:
            # Birth date in SQL (indexed), names compared without accents or case in Python.
            queryset = queryset.filter(job_seeker__jobseeker_profile__birthdate=data["date_naissance"])
            lookup_kind = "nom_date_naissance"
            lookup_value = f"{data['nom']}|{data['prenom']}|{data['date_naissance'].isoformat()}"
        rows = list(
            queryset.select_related("job_seeker", "to_company", "to_company__commune").order_by("-created_at")[:200]
        )
        if lookup_kind == "nom_date_naissance":
            last_name, first_name = normalize(data["nom"]), normalize(data["prenom"])
            rows = [
                row
                for row in rows
                if normalize(row.job_seeker.last_name) == last_name
                and normalize(row.job_seeker.first_name) == first_name
            ]
        services.log_access(
            request=request,
            token=request.auth,
            rows=len(rows),
            status_code=200,
            lookup_kind=lookup_kind,
            lookup_value=lookup_value,
        )
        return Response(self.get_serializer(rows, many=True).data)


# Employers' software ------------------------------------------------------------------------


class EmployerTokenView(GenericAPIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsEmployerToken]
    throttle_classes = [EmployerThrottle]

    @property
    def company(self) -> Company:
        return self.request.auth.company


def _application_queryset(company):
    return (
        JobApplication.objects.for_company(company)
        .select_related(
            "job_seeker__jobseeker_profile", "sender_prescriber_organization", "sender_company", "to_company"
        )
        .prefetch_related(Prefetch("selected_jobs", queryset=JobDescription.objects.select_related("appellation")))
    )


class _ApplicationListParams(serializers.Serializer):
    etat = serializers.MultipleChoiceField(choices=JobApplicationState.choices, required=False)
    archivees = serializers.BooleanField(required=False, default=False, help_text="Les candidatures archivées.")


class EmployerApplicationListView(EmployerTokenView):
    serializer_class = api_serializers.EmployerApplicationSerializer
    pagination_class = ApplicationCursorPagination

    @extend_schema(
        operation_id="employeur_candidatures",
        tags=["Employeurs"],
        summary="Les candidatures reçues par la structure",
        parameters=[
            OpenApiParameter("etat", str, many=True, enum=JobApplicationState.values),
            OpenApiParameter("archivees", bool),
        ],
        responses=paginated(api_serializers.EmployerApplicationSerializer, cursor=True),
    )
    def get(self, request):
        params = _ApplicationListParams(
            data={"etat": request.query_params.getlist("etat"), "archivees": request.query_params.get("archivees", "")}
            if "archivees" in request.query_params
            else {"etat": request.query_params.getlist("etat")}
        )
        params.is_valid(raise_exception=True)
        queryset = _application_queryset(self.company).filter(
            archived_at__isnull=not params.validated_data["archivees"]
        )
        if states := params.validated_data.get("etat"):
            queryset = queryset.filter(state__in=states)
        page = self.paginate_queryset(queryset)
        services.log_access(request=request, token=request.auth, rows=len(page), status_code=200)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _get_application(view, pk) -> JobApplication:
    try:
        job_application = _application_queryset(view.company).get(pk=uuid.UUID(str(pk)))
    except (JobApplication.DoesNotExist, ValueError):
        raise Http404
    if not application_perms.can_view(view.request.user, job_application):
        raise Http404
    return job_application


class EmployerApplicationDetailView(EmployerTokenView):
    serializer_class = api_serializers.EmployerApplicationSerializer

    @extend_schema(operation_id="employeur_candidature_detail", tags=["Employeurs"], summary="Une candidature")
    def get(self, request, pk):
        job_application = _get_application(self, pk)
        services.log_access(request=request, token=request.auth, rows=1, status_code=200)
        return Response(self.get_serializer(job_application).data)


ACTIONS = {
    "etudier": "process",
    "mettre-en-attente": "postpone",
    "refuser": "refuse",
    "accepter": "accept",
    "mettre-au-vivier": "add_to_pool",
}


class EmployerApplicationActionView(EmployerTokenView):
    serializer_class = api_serializers.EmployerApplicationSerializer

    @extend_schema(
        operation_id="employeur_candidature_action",
        tags=["Employeurs"],
        summary="Changer l'état d'une candidature (mêmes règles que le site)",
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS)),
        ],
        request=api_serializers.ApplicationActionSerializer,
        responses={200: api_serializers.EmployerApplicationSerializer},
    )
    def post(self, request, pk, action: str):
        if action not in ACTIONS:
            raise NotFound("Action inconnue.")
        job_application = _get_application(self, pk)
        if not application_perms.can_process(request.user, job_application):
            raise Http404
        body = api_serializers.ApplicationActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        common = {
            "acting_user": request.user,
            "job_application": job_application,
            "expected_state": data.get("etat_attendu"),
        }
        name = ACTIONS[action]
        with transaction.atomic():
            if name == "process":
                app_services.job_application_process(**common)
            elif name == "postpone":
                app_services.job_application_postpone(**common, comment=data.get("commentaire", ""))
            elif name == "add_to_pool":
                app_services.job_application_add_to_pool(**common)
            elif name == "refuse":
                if not data.get("motif_refus"):
                    raise ValidationError({"motif_refus": ["Indiquez le motif du refus."]})
                app_services.job_application_refuse(
                    **common,
                    refusal_reason=data["motif_refus"],
                    share_reason_with_job_seeker=data.get("motif_partage_avec_candidat", False),
                    answer=data.get("reponse", ""),
                )
            elif name == "accept":
                if not data.get("date_debut_contrat"):
                    raise ValidationError({"date_debut_contrat": ["Indiquez la date de début du contrat."]})
                app_services.job_application_accept(
                    **common,
                    hiring_start_at=data["date_debut_contrat"],
                    hiring_end_at=data.get("date_fin_contrat"),
                    answer=data.get("reponse", ""),
                )
        services.log_access(request=request, token=request.auth, rows=1, status_code=200)
        return Response(self.get_serializer(_get_application(self, pk)).data)


class EmployerJobDescriptionListView(EmployerTokenView):
    serializer_class = api_serializers.JobDescriptionSerializer

    def _queryset(self):
        return (
            JobDescription.objects.filter(company=self.company)
            .select_related(*company_queries.JOB_DESCRIPTION_CARD_RELATED)
            .order_by("ui_rank", "pk")
        )

    @extend_schema(
        operation_id="employeur_fiches_de_poste",
        tags=["Employeurs"],
        summary="Les fiches de poste",
        responses=api_serializers.JobDescriptionSerializer(many=True),
    )
    def get(self, request):
        return Response(self.get_serializer(self._queryset(), many=True).data)

    @extend_schema(
        operation_id="employeur_fiche_de_poste_creer",
        tags=["Employeurs"],
        summary="Créer une fiche de poste",
        request=api_serializers.JobDescriptionWriteSerializer,
        responses={201: api_serializers.JobDescriptionSerializer},
    )
    def post(self, request):
        body = api_serializers.JobDescriptionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job_description = job_description_services.job_description_create(
            acting_user=request.user, company=self.company, **body.service_kwargs()
        )
        return Response(
            self.get_serializer(self._queryset().get(pk=job_description.pk)).data, status=status.HTTP_201_CREATED
        )


class EmployerJobDescriptionDetailView(EmployerTokenView):
    serializer_class = api_serializers.JobDescriptionSerializer

    def _get(self, pk):
        return get_object_or_404(
            JobDescription.objects.filter(company=self.company).select_related(
                *company_queries.JOB_DESCRIPTION_CARD_RELATED
            ),
            pk=pk,
        )

    @extend_schema(operation_id="employeur_fiche_de_poste_detail", tags=["Employeurs"], summary="Une fiche de poste")
    def get(self, request, pk: int):
        return Response(self.get_serializer(self._get(pk)).data)

    @extend_schema(
        operation_id="employeur_fiche_de_poste_modifier",
        tags=["Employeurs"],
        summary="Remplacer une fiche de poste",
        request=api_serializers.JobDescriptionWriteSerializer,
    )
    def put(self, request, pk: int):
        job_description = self._get(pk)
        body = api_serializers.JobDescriptionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job_description_services.job_description_update(
            acting_user=request.user, company=self.company, job_description=job_description, **body.service_kwargs()
        )
        return Response(self.get_serializer(self._get(pk)).data)

    @extend_schema(
        operation_id="employeur_fiche_de_poste_fermer",
        tags=["Employeurs"],
        summary="Fermer le recrutement d'une fiche de poste",
        description="Une fiche de poste n'est jamais effacée (des candidatures s'y rapportent) : elle est fermée.",
        request=None,
    )
    def delete(self, request, pk: int):
        job_description = self._get(pk)
        job_description_services.job_description_close(
            acting_user=request.user, company=self.company, job_description=job_description
        )
        return Response(self.get_serializer(self._get(pk)).data)


class _EmployeeRecordParams(serializers.Serializer):
    statut = serializers.MultipleChoiceField(choices=EmployeeRecordStatus.choices, required=False)


class EmployerEmployeeRecordListView(EmployerTokenView):
    """The structure's employee records, with the line each one carries in the ASP file."""

    serializer_class = api_serializers.EmployeeRecordSerializer
    pagination_class = UpdatedCursorPagination

    @extend_schema(
        operation_id="employeur_fiches_salarie",
        tags=["Employeurs"],
        summary="Les fiches salarié de la structure",
        parameters=[OpenApiParameter("statut", str, many=True, enum=EmployeeRecordStatus.values)],
        responses=paginated(api_serializers.EmployeeRecordSerializer, cursor=True),
    )
    def get(self, request):
        params = _EmployeeRecordParams(data={"statut": request.query_params.getlist("statut")})
        params.is_valid(raise_exception=True)
        queryset = EmployeeRecord.objects.for_company(self.company).for_asp_file().select_related("batch")
        if statuses := params.validated_data.get("statut"):
            queryset = queryset.filter(status__in=statuses)
        page = self.paginate_queryset(queryset)
        services.log_access(request=request, token=request.auth, rows=len(page), status_code=200)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EmployerEmployeeRecordDetailView(EmployerTokenView):
    serializer_class = api_serializers.EmployeeRecordSerializer

    @extend_schema(operation_id="employeur_fiche_salarie_detail", tags=["Employeurs"], summary="Une fiche salarié")
    def get(self, request, pk: int):
        record = get_object_or_404(
            EmployeeRecord.objects.for_company(self.company).for_asp_file().select_related("batch"), pk=pk
        )
        services.log_access(request=request, token=request.auth, rows=1, status_code=200)
        return Response(self.get_serializer(record).data)


class EmployerUpdateNotificationListView(EmployerTokenView):
    """Notifications sent to the ASP when a PASS IAE's dates change after its record was accepted."""

    serializer_class = api_serializers.UpdateNotificationSerializer
    pagination_class = CreatedCursorPagination

    @extend_schema(
        operation_id="employeur_notifications_fiches_salarie",
        tags=["Employeurs"],
        summary="Les notifications de mise à jour des fiches salarié",
        responses=paginated(api_serializers.UpdateNotificationSerializer, cursor=True),
    )
    def get(self, request):
        queryset = UpdateNotification.objects.filter(employee_record__company=self.company).select_related("batch")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(exclude=True)
class NotFoundView(PublicView):
    def get(self, request, *args, **kwargs):
        raise NotFound()
