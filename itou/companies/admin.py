from django.contrib import admin
from django.db import models

from itou.companies.models import Company, CompanyMembership


class CompanyMembershipInline(admin.TabularInline):
    model = CompanyMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_admin", "is_active", "joined_at"]
    readonly_fields = ["joined_at"]
    verbose_name = "membre"
    verbose_name_plural = "membres"


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "kind", "siret", "commune", "is_active", "source", "created_at"]
    list_filter = ["kind", "is_active", "source", "commune__department"]
    list_select_related = ["commune"]
    search_fields = ["name", "brand", "siret", "=post_code", "commune__name"]
    raw_id_fields = ["commune"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [CompanyMembershipInline]
    fieldsets = [
        (None, {"fields": ["kind", "siret", "name", "brand", "source", "is_active", "convention_end_date"]}),
        ("Coordonnées", {"fields": ["address_line", "post_code", "commune", "phone", "email", "website"]}),
        ("Présentation", {"fields": ["description", "spontaneous_applications_open_since"]}),
        ("Historique", {"fields": ["created_at", "updated_at"]}),
    ]
