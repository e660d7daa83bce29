from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from itou.approvals import services
from itou.approvals.models import (
    Approval,
    ApprovalHire,
    PendingApprovalRequest,
    Prolongation,
    ProlongationRequest,
    Suspension,
)
from itou.utils.staff_roles import RoleRequiredAdminMixin, StaffRole


class PassTeamAdmin(RoleRequiredAdminMixin):
    """PASS IAE pages: the PASS team (and superusers); support reads them."""

    staff_roles = (StaffRole.PASS_TEAM, StaffRole.SUPPORT)
    staff_write_roles = (StaffRole.PASS_TEAM,)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HireInline(ReadOnlyInline):
    model = ApprovalHire
    fields = ["company", "job_application", "hiring_start_at", "cancelled_at"]
    readonly_fields = fields


class SuspensionInline(ReadOnlyInline):
    model = Suspension
    fields = ["start_at", "end_at", "reason", "company", "created_by"]
    readonly_fields = fields


class ProlongationInline(ReadOnlyInline):
    model = Prolongation
    fields = ["start_at", "end_at", "reason", "company", "declared_by", "validated_by"]
    readonly_fields = fields


@admin.register(Approval)
class ApprovalAdmin(PassTeamAdmin, admin.ModelAdmin):
    """Read only: PASS IAE change through services only."""

    list_display = ["display_number", "job_seeker", "start_at", "end_at", "origin", "cancelled_at"]
    list_filter = ["origin"]
    search_fields = ["number", "job_seeker__last_name", "job_seeker__email"]
    raw_id_fields = ["job_seeker", "created_by"]
    inlines = [HireInline, SuspensionInline, ProlongationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingApprovalRequest)
class PendingApprovalRequestAdmin(PassTeamAdmin, admin.ModelAdmin):
    list_display = ["job_application", "created_at", "resolved_at", "approval"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["job_application", "created_at", "resolved_at", "resolved_by", "approval"]
    actions = ["issue_approval"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Délivrer le PASS IAE (après vérification de l'identité)", permissions=["change"])
    def issue_approval(self, request, queryset):
        for pending in queryset:
            try:
                approval = services.approval_issue_manually(acting_user=request.user, pending_request=pending)
            except ValidationError as error:
                self.message_user(request, f"{pending} : {' '.join(error.messages)}", messages.WARNING)
            else:
                self.message_user(request, f"PASS IAE n° {approval.display_number} délivré.", messages.SUCCESS)


@admin.register(ProlongationRequest)
class ProlongationRequestAdmin(PassTeamAdmin, admin.ModelAdmin):
    list_display = ["approval", "status", "reason", "prescriber_organization", "created_at"]
    list_filter = ["status", "reason"]
    readonly_fields = [f.name for f in ProlongationRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
