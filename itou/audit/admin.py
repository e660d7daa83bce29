from django.contrib import admin

from itou.audit.models import AccessLog, PersonLookup


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are evidence: staff search them, nobody edits or deletes them from the back-office."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "holder", "viewer", "viewer_organization", "object_ref"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["holder", "viewer"]
    search_fields = ["holder__email", "holder__last_name", "viewer__email", "viewer__last_name", "object_ref"]
    date_hierarchy = "created_at"
    raw_id_fields = ["holder", "viewer"]


@admin.register(PersonLookup)
class PersonLookupAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "organization_key", "matched_by", "found", "proven"]
    list_filter = ["found", "proven", "matched_by"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__last_name", "organization_key"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user"]
