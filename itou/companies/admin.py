from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from itou.companies.enums import CompanySource
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
    raw_id_fields = ["commune", "parent"]
    readonly_fields = ["created_by", "created_at", "updated_at", "invitations_and_requests"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [CompanyMembershipInline]
    fieldsets = [
        (None, {"fields": ["kind", "siret", "name", "brand", "source", "parent", "is_active", "convention_end_date"]}),
        (
            "Coordonnées",
            {"fields": ["address_line", "post_code", "commune", "phone", "email", "official_email", "website"]},
        ),
        ("Présentation", {"fields": ["description", "spontaneous_applications_open_since"]}),
        ("Inscription des membres", {"fields": ["invitations_and_requests"]}),
        ("Historique", {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    @admin.display(description="invitations, demandes et liens d'inscription")
    def invitations_and_requests(self, obj):
        if obj.pk is None:
            return "—"
        query = f"?company__id__exact={obj.pk}"
        return format_html(
            '<a href="{}{}">Invitations</a> · <a href="{}{}">Demandes pour rejoindre</a> · '
            '<a href="{}{}">Liens d\'inscription envoyés</a>',
            reverse("admin:invitations_invitation_changelist"),
            query,
            reverse("admin:invitations_joinrequest_changelist"),
            query,
            reverse("admin:invitations_companysignuplink_changelist"),
            query,
        )

    def get_changeform_initial_data(self, request):
        # A structure created from an employer's support request (prefilled link).
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("source", CompanySource.STAFF_CREATED)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)
