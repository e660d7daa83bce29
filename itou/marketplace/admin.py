from django.contrib import admin

from itou.marketplace import models


@admin.register(models.Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "family", "code")
    search_fields = ("name",)


@admin.register(models.BuyerOrganization)
class BuyerOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "siret", "kind", "suspended_at")
    search_fields = ("name", "siret")
    raw_id_fields = ("commune",)


@admin.register(models.Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ("title", "buyer", "status", "deadline", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("buyer", "created_by", "commune", "department", "winner")


@admin.register(models.CommercialProfile)
class CommercialProfileAdmin(admin.ModelAdmin):
    list_display = ("company", "is_published", "area_kind", "notification_mode")
    raw_id_fields = ("company",)
