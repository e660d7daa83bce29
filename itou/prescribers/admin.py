from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from itou.invitations.services import ActionError
from itou.prescribers import services
from itou.prescribers.enums import PrescriberAuthorizationStatus
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
    readonly_fields = [
        "authorization_updated_at",
        "authorization_updated_by",
        "created_by",
        "created_at",
        "updated_at",
        "invitations_and_requests",
    ]
    inlines = [PrescriberMembershipInline]
    actions = ["validate_authorization", "refuse_authorization"]
    fieldsets = [
        (None, {"fields": ["kind", "siret", "name"]}),
        ("Coordonnées", {"fields": ["address_line", "post_code", "commune", "phone", "email"]}),
        (
            "Habilitation",
            {
                "fields": ["authorization_status", "authorization_updated_at", "authorization_updated_by"],
                "description": "Pour valider ou refuser une habilitation (les membres sont prévenus par e-mail), "
                "utilisez de préférence les actions de la liste des organisations.",
            },
        ),
        ("Membres", {"fields": ["invitations_and_requests"]}),
        ("Historique", {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    @admin.display(description="invitations et demandes")
    def invitations_and_requests(self, obj):
        if obj.pk is None:
            return "—"
        query = f"?prescriber_organization__id__exact={obj.pk}"
        return format_html(
            '<a href="{}{}">Invitations</a> · <a href="{}{}">Demandes pour rejoindre</a>',
            reverse("admin:invitations_invitation_changelist"),
            query,
            reverse("admin:invitations_joinrequest_changelist"),
            query,
        )

    def save_model(self, request, obj, form, change):
        # A change of authorization goes through the service: who and when are recorded,
        # and the members are emailed.
        if change and "authorization_status" in form.changed_data:
            new_status = obj.authorization_status
            obj.authorization_status = form.initial["authorization_status"]
            super().save_model(request, obj, form, change)
            try:
                decided = services.prescriber_organization_authorization_decide(
                    acting_user=request.user, organization=obj, status=new_status
                )
            except (ActionError, PermissionError) as error:
                self.message_user(request, getattr(error, "message", str(error)), messages.WARNING)
            else:
                obj.authorization_status = decided.authorization_status
                obj.authorization_updated_at = decided.authorization_updated_at
                obj.authorization_updated_by = decided.authorization_updated_by
            return
        if not change:
            obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)

    def _decide(self, request, queryset, status):
        done, errors = 0, []
        for organization in queryset:
            try:
                services.prescriber_organization_authorization_decide(
                    acting_user=request.user, organization=organization, status=status
                )
            except (ActionError, PermissionError) as error:
                errors.append(f"{organization.name} : {getattr(error, 'message', str(error))}")
            else:
                done += 1
        if done:
            verb = "validée" if status == PrescriberAuthorizationStatus.VALIDATED else "refusée"
            self.message_user(
                request,
                f"Habilitation {verb} pour {done} organisation(s) ; leurs membres sont prévenus.",
                messages.SUCCESS,
            )
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description="Valider l'habilitation (les membres sont prévenus par e-mail)")
    def validate_authorization(self, request, queryset):
        self._decide(request, queryset, PrescriberAuthorizationStatus.VALIDATED)

    @admin.action(description="Refuser l'habilitation (les membres sont prévenus par e-mail)")
    def refuse_authorization(self, request, queryset):
        self._decide(request, queryset, PrescriberAuthorizationStatus.REFUSED)
