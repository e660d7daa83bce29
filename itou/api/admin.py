from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from itou.api import services
from itou.api.enums import TokenKind
from itou.api.models import ApiAccessLog, ApiToken
from itou.geo.models import Department


class StaffTokenForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type", choices=[(TokenKind.DEPARTMENT.value, "Département"), (TokenKind.PARTNER.value, "Partenaire")]
    )
    name = forms.CharField(label="Nom", max_length=100)
    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.all(), required=False)
    organization_name = forms.CharField(label="Organisation partenaire", max_length=255, required=False)
    expires_at = forms.DateTimeField(label="Expire le", help_text="Date et heure, par exemple 31/12/2027 23:59.")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "display_key", "company", "department", "created_at", "expires_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("name", "key_id", "organization_name", "company__siret", "user__email")
    readonly_fields = [field.name for field in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Staff issue department and partner tokens here; the secret is shown once, in a message."""
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = StaffTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = services.staff_token_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.warning(
                    request,
                    f"Jeton créé. Copiez-le maintenant, il ne sera plus affiché : {created.secret}",
                )
                return redirect("admin:api_apitoken_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Délivrer un jeton de département ou de partenaire",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "api/admin_token_add.html", context)

    @admin.action(description="Révoquer les jetons sélectionnés")
    def revoke(self, request, queryset):
        for token in queryset:
            services.token_revoke(acting_user=request.user, token=token)
        messages.success(request, f"{queryset.count()} jeton(s) révoqué(s).")


@admin.register(ApiAccessLog)
class ApiAccessLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "token_name", "kind", "method", "path", "lookup_kind", "rows", "status_code")
    list_filter = ("kind", "lookup_kind")
    search_fields = ("token_name", "path", "lookup_hash")
    readonly_fields = [field.name for field in ApiAccessLog._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """Staff type a NIR or a PASS number: it is matched by its fingerprint, never stored in clear."""
        compact = "".join(search_term.split()).upper()
        if compact and (compact.isdigit() or compact[:13].isalnum()) and len(compact) >= 12:
            keys = {services.lookup_hash(compact), services.lookup_hash(compact[:13])}
            return queryset.filter(lookup_hash__in=keys), False
        return super().get_search_results(request, queryset, search_term)
