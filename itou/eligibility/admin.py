"""Back-office: criteria and diagnoses, read-only (criteria come from `import_criteria`,
diagnoses from the services)."""

from django.contrib import admin

from itou.eligibility.models import (
    AdministrativeCriteria,
    CertifiedCriterion,
    EligibilityDiagnosis,
    GEIQAdministrativeCriteria,
    GEIQEligibilityDiagnosis,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdministrativeCriteria)
class AdministrativeCriteriaAdmin(ReadOnlyAdmin):
    list_display = ["kind", "name", "level", "written_proof", "ui_rank"]
    list_filter = ["level"]


@admin.register(GEIQAdministrativeCriteria)
class GEIQAdministrativeCriteriaAdmin(ReadOnlyAdmin):
    list_display = ["kind", "name", "level", "annex", "parent", "ui_rank"]
    list_filter = ["level", "annex"]


class DiagnosisAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "job_seeker",
        "author_kind",
        "author_prescriber_organization",
        "author_company",
        "created_at",
        "expires_at",
    ]
    list_filter = ["author_kind"]
    list_select_related = ["job_seeker", "author_prescriber_organization", "author_company"]
    search_fields = ["job_seeker__email", "job_seeker__last_name", "author_company__siret"]
    date_hierarchy = "created_at"
    raw_id_fields = ["job_seeker", "author", "author_prescriber_organization", "author_company"]


@admin.register(EligibilityDiagnosis)
class EligibilityDiagnosisAdmin(DiagnosisAdmin):
    pass


@admin.register(GEIQEligibilityDiagnosis)
class GEIQEligibilityDiagnosisAdmin(DiagnosisAdmin):
    list_display = [*DiagnosisAdmin.list_display, "aid_amount"]


@admin.register(CertifiedCriterion)
class CertifiedCriterionAdmin(ReadOnlyAdmin):
    list_display = ["diagnosis", "administrative_criteria", "source", "valid_from", "valid_until"]
    list_filter = ["source"]
    raw_id_fields = ["diagnosis"]
