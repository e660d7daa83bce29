from django.contrib import admin

from itou.job_applications.models import JobApplication, JobApplicationComment, JobApplicationTransitionLog


class TransitionLogInline(admin.TabularInline):
    model = JobApplicationTransitionLog
    extra = 0
    can_delete = False
    fields = ["timestamp", "transition", "from_state", "to_state", "user", "details"]
    readonly_fields = fields
    ordering = ["timestamp", "pk"]

    def has_add_permission(self, request, obj=None):
        return False


class CommentInline(admin.TabularInline):
    model = JobApplicationComment
    extra = 0
    can_delete = False
    fields = ["created_at", "company", "author", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JobApplication)
class JobApplicationAdmin(admin.ModelAdmin):
    """Read-only for the support team: states change through the services only (logged)."""

    list_display = ["pk", "job_seeker", "to_company", "sender_kind", "state", "created_at", "archived_at"]
    list_filter = ["state", "sender_kind", "to_company__kind"]
    list_select_related = ["job_seeker", "to_company"]
    search_fields = ["=id", "job_seeker__email", "job_seeker__last_name", "to_company__name", "to_company__siret"]
    date_hierarchy = "created_at"
    raw_id_fields = [
        "job_seeker",
        "to_company",
        "sender",
        "sender_company",
        "sender_prescriber_organization",
        "transferred_from",
        "transferred_by",
        "archived_by",
    ]
    inlines = [TransitionLogInline, CommentInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + ["selected_jobs"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
