from django.contrib import admin

from itou.exchanges.models import ApplicationMessage


@admin.register(ApplicationMessage)
class ApplicationMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "author", "author_side", "between_professionals", "job_application"]
    list_filter = ["author_side", "between_professionals"]
    raw_id_fields = ["job_application", "author", "author_company", "author_prescriber_organization"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"
