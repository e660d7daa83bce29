from django.contrib import admin
from django.utils import timezone

from itou.prescribers.models import PrescriberMembership, PrescriberOrganization


class PrescriberMembershipInline(admin.TabularInline):
    model = PrescriberMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_admin", "is_active", "joined_at"]
    readonly_fields = ["joined_at"]
    verbose_name = "membre"
    verbose_name_plural = "membres"


@admin.register(PrescriberOrganization)
class PrescriberOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "commune", "authorization_status", "authorization_updated_at"]
    list_filter = ["authorization_status", "kind", "commune__department"]
    list_select_related = ["commune"]
    search_fields = ["name", "siret", "=post_code", "commune__name"]
    raw_id_fields = ["commune"]
    readonly_fields = ["authorization_updated_at", "authorization_updated_by", "created_at", "updated_at"]
    inlines = [PrescriberMembershipInline]
    fieldsets = [
        (None, {"fields": ["kind", "siret", "name"]}),
        ("Coordonnées", {"fields": ["address_line", "post_code", "commune", "phone", "email"]}),
        (
            "Habilitation",
            {"fields": ["authorization_status", "authorization_updated_at", "authorization_updated_by"]},
        ),
        ("Historique", {"fields": ["created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Records who changed the authorization. Deciding it with notification emails
        # belongs to the authorization service once it exists.
        if change and "authorization_status" in form.changed_data:
            obj.authorization_updated_at = timezone.now()
            obj.authorization_updated_by = request.user
        super().save_model(request, obj, form, change)
