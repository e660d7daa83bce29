from django.contrib import admin

from itou.institutions.models import Institution, InstitutionMembership


class InstitutionMembershipInline(admin.TabularInline):
    model = InstitutionMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_admin", "is_active", "joined_at"]
    readonly_fields = ["joined_at"]
    verbose_name = "membre"
    verbose_name_plural = "membres"


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "region"]
    list_filter = ["kind", "region"]
    list_select_related = ["department", "region"]
    search_fields = ["name", "=department__code", "department__name", "region__name"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [InstitutionMembershipInline]
    fields = ["kind", "name", "department", "region", "created_at", "updated_at"]
