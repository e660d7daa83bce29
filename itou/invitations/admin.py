from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from itou.institutions.models import Institution
from itou.institutions.services import institution_invitation_create
from itou.invitations import services
from itou.invitations.enums import InvitationStatus, JoinRequestStatus
from itou.invitations.models import CompanySignupLink, Invitation, JoinRequest, SupportRequest


def _report(modeladmin, request, done: int, errors: list[str], done_message: str):
    if done:
        modeladmin.message_user(request, done_message.format(count=done), messages.SUCCESS)
    for error in errors:
        modeladmin.message_user(request, error, messages.WARNING)


class OrganizationTypeFilter(admin.SimpleListFilter):
    title = "type d'organisation"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("company", "Employeur"), ("prescriber", "Organisation prescriptrice"), ("institution", "Institution")]

    def queryset(self, request, queryset):
        field = {"company": "company", "prescriber": "prescriber_organization", "institution": "institution"}.get(
            self.value()
        )
        return queryset.filter(**{f"{field}__isnull": False}) if field else queryset


class InvitationStatusFilter(admin.SimpleListFilter):
    title = "statut"
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return InvitationStatus.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case InvitationStatus.PENDING:
                return queryset.pending(now=now)
            case InvitationStatus.EXPIRED:
                return queryset.open().filter(expires_at__lte=now)
            case InvitationStatus.ACCEPTED:
                return queryset.filter(accepted_at__isnull=False)
            case InvitationStatus.CANCELLED:
                return queryset.filter(cancelled_at__isnull=False)
        return queryset


class InstitutionInvitationForm(forms.ModelForm):
    """The support team invites labor inspectors (institutions are joined by invitation only)."""

    institution = forms.ModelChoiceField(label="Institution", queryset=Institution.objects.order_by("name"))

    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "institution", "is_admin"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        # The service checks what matters (an open invitation to the same address is replaced).
        pass


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization_display", "sent_by", "created_at", "expires_at", "status_display"]
    list_filter = [InvitationStatusFilter, OrganizationTypeFilter, "is_admin"]
    list_select_related = ["company", "prescriber_organization", "institution", "sent_by"]
    search_fields = ["=email", "company__name", "prescriber_organization__name", "institution__name"]
    raw_id_fields = ["company", "prescriber_organization", "institution", "sent_by", "accepted_by", "cancelled_by"]
    date_hierarchy = "created_at"
    actions = ["cancel_invitations"]
    readonly_fields = [
        "email",
        "first_name",
        "last_name",
        "company",
        "prescriber_organization",
        "institution",
        "is_admin",
        "sent_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "cancelled_at",
        "cancelled_by",
    ]

    @admin.display(description="organisation")
    def organization_display(self, obj):
        return obj.organization

    @admin.display(description="statut")
    def status_display(self, obj):
        return obj.status.label

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InstitutionInvitationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return InstitutionInvitationForm.Meta.fields
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        return {"institution": request.GET.get("institution")}

    def save_model(self, request, obj, form, change):
        # The service creates the invitation and sends the email (only for an addition:
        # an invitation is never edited).
        invitation = institution_invitation_create(
            acting_user=request.user,
            institution=form.cleaned_data["institution"],
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            is_admin=form.cleaned_data["is_admin"],
        )
        obj.pk = invitation.pk
        obj.__dict__.update(invitation.__dict__)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except (services.ActionError, PermissionError) as error:
            # Raised by the service in save_model: the admin's transaction is rolled back.
            self.message_user(request, getattr(error, "message", str(error)), messages.ERROR)
            return redirect(request.get_full_path())

    @admin.action(description="Annuler les invitations sélectionnées")
    def cancel_invitations(self, request, queryset):
        done, errors = 0, []
        for invitation in queryset:
            try:
                services.invitation_cancel(acting_user=request.user, invitation=invitation)
            except (services.ActionError, PermissionError) as error:
                errors.append(f"{invitation.email} : {getattr(error, 'message', str(error))}")
            else:
                done += 1
        _report(self, request, done, errors, "{count} invitation(s) annulée(s).")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organization_display", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", OrganizationTypeFilter]
    list_select_related = ["user", "company", "prescriber_organization", "institution", "decided_by"]
    search_fields = ["=user__email", "user__last_name", "company__name", "prescriber_organization__name"]
    date_hierarchy = "created_at"
    actions = ["accept_requests", "decline_requests"]
    fields = ["user", "company", "prescriber_organization", "institution", "status", "created_at"]
    fields += ["decided_by", "decided_at"]
    readonly_fields = fields

    @admin.display(description="organisation")
    def organization_display(self, obj):
        return obj.organization

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, *, accept: bool):
        done, errors = 0, []
        for join_request in queryset.filter(status=JoinRequestStatus.PENDING):
            try:
                services.join_request_decide(acting_user=request.user, join_request=join_request, accept=accept)
            except (services.ActionError, PermissionError) as error:
                errors.append(f"{join_request} : {getattr(error, 'message', str(error))}")
            else:
                done += 1
        message = "{count} demande(s) acceptée(s)." if accept else "{count} demande(s) refusée(s)."
        _report(self, request, done, errors, message)
        if not done and not errors:
            self.message_user(request, "Aucune demande en attente dans la sélection.", messages.WARNING)

    @admin.action(description="Accepter les demandes sélectionnées (le demandeur est prévenu)")
    def accept_requests(self, request, queryset):
        self._decide(request, queryset, accept=True)

    @admin.action(description="Refuser les demandes sélectionnées (le demandeur est prévenu)")
    def decline_requests(self, request, queryset):
        self._decide(request, queryset, accept=False)


@admin.register(CompanySignupLink)
class CompanySignupLinkAdmin(admin.ModelAdmin):
    list_display = ["company", "email", "created_at", "expires_at", "used_at", "used_by"]
    list_select_related = ["company", "used_by"]
    search_fields = ["company__name", "=company__siret", "=email"]
    date_hierarchy = "created_at"
    fields = ["company", "email", "created_at", "expires_at", "used_at", "used_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HandledFilter(admin.SimpleListFilter):
    title = "traitée"
    parameter_name = "traitee"

    def lookups(self, request, model_admin):
        return [("non", "À traiter"), ("oui", "Traitées")]

    def queryset(self, request, queryset):
        if self.value() == "non":
            return queryset.filter(handled_at__isnull=True)
        if self.value() == "oui":
            return queryset.filter(handled_at__isnull=False)
        return queryset


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["company_name", "siret", "company_kind", "email", "created_at", "handled_at"]
    list_filter = [HandledFilter, "company_kind"]
    search_fields = ["company_name", "=siret", "=email", "last_name"]
    date_hierarchy = "created_at"
    actions = ["mark_handled"]
    fields = ["first_name", "last_name", "email", "phone", "company_name", "siret", "company_kind", "message"]
    fields += ["created_at", "handled_at", "handled_by", "create_company_link", "existing_companies"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="créer la structure")
    def create_company_link(self, obj):
        query = urlencode(
            {"siret": obj.siret, "name": obj.company_name, "kind": obj.company_kind, "source": "STAFF_CREATED"}
        )
        return format_html(
            '<a href="{}?{}">Créer la structure avec ces informations</a> (vérifiez-les, et renseignez '
            "l'adresse e-mail officielle : la personne pourra alors s'inscrire)",
            reverse("admin:companies_company_add"),
            query,
        )

    @admin.display(description="structures de même SIREN")
    def existing_companies(self, obj):
        url = reverse("admin:companies_company_changelist")
        return format_html('<a href="{}?q={}">Chercher les structures de ce SIREN</a>', url, obj.siret[:9])

    @admin.action(description="Marquer comme traitées")
    def mark_handled(self, request, queryset):
        count = queryset.filter(Q(handled_at__isnull=True)).update(handled_at=timezone.now(), handled_by=request.user)
        self.message_user(request, f"{count} demande(s) marquée(s) comme traitée(s).", messages.SUCCESS)
