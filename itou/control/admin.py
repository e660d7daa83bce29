from django.contrib import admin

from itou.control import models


class ControlledSiaeInline(admin.TabularInline):
    model = models.ControlledSiae
    fields = ["company", "hire_count", "submitted_at", "reviewed_at", "final_reviewed_at", "final_state", "notified_at"]
    readonly_fields = fields
    raw_id_fields = ["company"]
    extra = 0
    can_delete = False


@admin.register(models.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "phase", "ratio", "seed", "drawn_at"]
    list_filter = ["phase", "period_end"]
    search_fields = ["institution__name"]
    readonly_fields = ["phase", "seed", "drawn_at", "eligible_siae_count", "frozen_at", "adversarial_at", "closed_at"]
    raw_id_fields = ["institution"]
    inlines = [ControlledSiaeInline]


@admin.register(models.ControlLog)
class ControlLogAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "campaign", "object_kind", "object_id", "transition", "from_state", "to_state", "user"]
    list_filter = ["object_kind", "transition"]
    raw_id_fields = ["campaign", "user"]

    def has_change_permission(self, request, obj=None):
        return False
