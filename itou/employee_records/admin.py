from django.contrib import admin, messages

from itou.employee_records import services
from itou.employee_records.models import (
    EmployeeRecord,
    EmployeeRecordBatch,
    EmployeeRecordTransitionLog,
    UpdateNotification,
)


class LogInline(admin.TabularInline):
    model = EmployeeRecordTransitionLog
    fk_name = "employee_record"
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "transition",
        "from_status",
        "to_status",
        "user",
        "batch",
        "line_number",
        "asp_code",
        "asp_label",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EmployeeRecord)
class EmployeeRecordAdmin(admin.ModelAdmin):
    list_display = [
        "approval_number",
        "last_name",
        "first_name",
        "company",
        "asp_siret",
        "status",
        "batch",
        "line_number",
        "asp_code",
        "updated_at",
    ]
    list_filter = ["status", "asp_measure", "processed_as_duplicate"]
    list_select_related = ["company", "batch"]
    search_fields = ["=approval_number", "=asp_siret", "=batch__filename", "last_name", "company__siret"]
    raw_id_fields = ["company", "job_application", "approval", "batch", "created_by", "birth_country"]
    readonly_fields = ["status", "archived_json", "created_at", "updated_at", "processed_at", "asp_code", "asp_label"]
    inlines = [LogInline]


@admin.register(EmployeeRecordBatch)
class EmployeeRecordBatchAdmin(admin.ModelAdmin):
    list_display = [
        "filename",
        "movement_type",
        "status",
        "line_count",
        "created_at",
        "uploaded_at",
        "feedback_at",
        "upload_attempts",
    ]
    list_filter = ["movement_type", "status"]
    search_fields = ["=filename", "=feedback_filename", "=records__approval_number", "=records__asp_siret"]
    readonly_fields = [f.name for f in EmployeeRecordBatch._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Renvoyer les fiches non intégrées de ces fichiers")
    def resend(self, request, queryset):
        count = sum(services.batch_resend(acting_user=request.user, batch=batch) for batch in queryset)
        messages.success(request, f"{count} fiche(s) remise(s) en attente d'envoi.")

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset, True


@admin.register(UpdateNotification)
class UpdateNotificationAdmin(admin.ModelAdmin):
    list_display = ["employee_record", "status", "batch", "line_number", "asp_code", "created_at"]
    list_filter = ["status"]
    list_select_related = ["employee_record", "batch"]
    search_fields = ["=employee_record__approval_number", "=employee_record__asp_siret", "=batch__filename"]
    raw_id_fields = ["employee_record", "batch"]
    readonly_fields = ["archived_json", "asp_code", "asp_label", "processed_at"]
