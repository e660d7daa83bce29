from django.contrib import admin

from itou.followup.models import FollowUpMembership, FollowUpMilestone


@admin.register(FollowUpMembership)
class FollowUpMembershipAdmin(admin.ModelAdmin):
    list_display = ["job_seeker", "member", "role", "is_active", "started_at", "last_activity_at", "end_reason"]
    list_filter = ["is_active", "role", "end_reason"]
    raw_id_fields = ["job_seeker", "member", "company", "prescriber_organization"]


@admin.register(FollowUpMilestone)
class FollowUpMilestoneAdmin(admin.ModelAdmin):
    list_display = ["job_application", "kind", "date", "recorded_by"]
    raw_id_fields = ["job_application", "recorded_by"]
