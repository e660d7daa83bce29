from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

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
    readonly_fields = ["created_at", "updated_at", "invitations"]
    inlines = [InstitutionMembershipInline]
    fields = ["kind", "name", "department", "region", "invitations", "created_at", "updated_at"]

    @admin.display(description="invitations")
    def invitations(self, obj):
        """Institutions are joined by invitation only: the support team invites the first members."""
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}?institution={}">Inviter un membre</a> · <a href="{}?institution__id__exact={}">'
            'Invitations envoyées</a> · <a href="{}?institution__id__exact={}">Demandes pour rejoindre</a>',
            reverse("admin:invitations_invitation_add"),
            obj.pk,
            reverse("admin:invitations_invitation_changelist"),
            obj.pk,
            reverse("admin:invitations_joinrequest_changelist"),
            obj.pk,
        )
