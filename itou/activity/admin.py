from django.contrib import admin

from itou.activity import models


@admin.register(models.ContractEnd)
class ContractEndAdmin(admin.ModelAdmin):
    list_display = ["job_application", "end_date", "reason", "exit_category", "declared_at"]
    list_filter = ["reason", "exit_category"]
    raw_id_fields = ["job_application", "declared_by"]


@admin.register(models.ActivityReport)
class ActivityReportAdmin(admin.ModelAdmin):
    list_display = ["company", "year", "submitted_at"]
    list_filter = ["year"]
    raw_id_fields = ["company", "submitted_by"]
