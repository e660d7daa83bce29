"""The support team's back-office: find a person, see everything about them, act through services."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from itou.approvals.models import Approval
from itou.audit.models import AccessLog, Anonymization, DeletionRequest
from itou.backoffice import services
from itou.backoffice.models import LoginEvent, StaffAction
from itou.eligibility.models import EligibilityDiagnosis, GEIQEligibilityDiagnosis
from itou.job_applications.models import JobApplication
from itou.users.models import User
from itou.utils.staff_roles import RoleRequiredAdminMixin, StaffRole

_NIR = re.compile(r"^[12378][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}$")


def _compact(term: str) -> str:
    return re.sub(r"[\s.-]", "", term).upper()


@admin.register(User)
class UserAdmin(RoleRequiredAdminMixin, admin.ModelAdmin):
    """Read-only: every change goes through the buttons of the page (services, logged)."""

    staff_roles = (StaffRole.SUPPORT,)
    list_display = ["__str__", "email", "kind", "is_active", "date_joined", "last_login"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = [
        "first_name",
        "last_name",
        "email",
        "company_memberships__company__name",
        "prescriber_memberships__organization__name",
        "institution_memberships__institution__name",
    ]
    search_help_text = "Nom, prénom, e-mail, organisation, ou numéro de sécurité sociale complet (15 caractères)."
    fields = ["kind", "first_name", "last_name", "email", "phone", "is_active", "is_staff", "date_joined", "last_login"]
    readonly_fields = fields
    ordering = ["-date_joined"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        term = _compact(search_term)
        if _NIR.match(term):
            # A NIR is only ever searched exactly (never a prefix: it would tell birth dates).
            return queryset.filter(jobseeker_profile__nir=term), False
        return super().get_search_results(request, queryset, search_term)

    # -- the person's page -----------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = get_object_or_404(User.objects.select_related("jobseeker_profile"), pk=object_id)
        email = user.email or ""
        extra = {
            "person": user,
            "profile": getattr(user, "jobseeker_profile", None),
            "applications": JobApplication.objects.filter(job_seeker=user)
            .select_related("to_company", "sender")
            .order_by("-created_at")[:50],
            "sent_applications": JobApplication.objects.filter(sender=user)
            .exclude(job_seeker=user)
            .select_related("to_company")
            .order_by("-created_at")[:20],
            "diagnoses": list(EligibilityDiagnosis.objects.filter(job_seeker=user).order_by("-created_at"))
            + list(GEIQEligibilityDiagnosis.objects.filter(job_seeker=user).order_by("-created_at")),
            "approvals": Approval.objects.filter(job_seeker=user).order_by("-start_at"),
            "company_memberships": user.company_memberships.select_related("company"),
            "prescriber_memberships": user.prescriber_memberships.select_related("organization"),
            "institution_memberships": user.institution_memberships.select_related("institution"),
            "logins": LoginEvent.objects.filter(user=user)[:20],
            # Subjects and delivery status only: bodies hold login codes and reset links.
            "emails": ProcrastinateJob.objects.filter(task_name="send_email", args__email__to__contains=[email])
            .only("id", "status", "args")
            .order_by("-id")[:50]
            if email
            else [],
            "staff_actions": StaffAction.objects.filter(target_user=user).select_related("acting_user")[:100],
            "accesses": AccessLog.objects.filter(holder=user).select_related("viewer")[:50],
            "anonymization": Anonymization.objects.filter(user=user).first(),
            "change_email_form": ChangeEmailForm(),
            "merge_form": MergeForm(),
        }
        return super().change_view(request, object_id, form_url, extra_context={**(extra_context or {}), **extra})

    def get_urls(self):
        return [
            path(
                "<int:pk>/action/<str:action>/", self.admin_site.admin_view(self.action_view), name="users_user_action"
            ),
            path("<int:pk>/nir/", self.admin_site.admin_view(self.nir_view), name="users_user_nir"),
            path("<int:pk>/fusion/", self.admin_site.admin_view(self.merge_view), name="users_user_merge"),
        ] + super().get_urls()

    def _person_url(self, user):
        return reverse("admin:users_user_change", args=[user.pk])

    def action_view(self, request, pk, action):
        if request.method != "POST":
            return redirect("admin:users_user_change", pk)
        user = get_object_or_404(User, pk=pk)
        try:
            if action == "deactivate":
                services.staff_user_deactivate(acting_user=request.user, user=user)
                messages.success(request, "Compte désactivé : la personne ne peut plus se connecter.")
            elif action == "reactivate":
                services.staff_user_reactivate(acting_user=request.user, user=user)
                messages.success(request, "Compte réactivé.")
            elif action == "resend_verification":
                services.staff_user_resend_verification(acting_user=request.user, user=user, request=request)
                messages.success(request, "E-mail de vérification renvoyé.")
            elif action == "change_email":
                form = ChangeEmailForm(request.POST)
                if not form.is_valid():
                    raise ValidationError("Indiquez une adresse e-mail valide, par exemple nom@domaine.fr.")
                services.staff_user_change_email(
                    acting_user=request.user, user=user, new_email=form.cleaned_data["email"], request=request
                )
                messages.success(
                    request, "Adresse changée : les deux adresses sont prévenues, la nouvelle doit être confirmée."
                )
            else:
                raise ValidationError("Action inconnue.")
        except PermissionDenied as error:
            messages.error(request, str(error) or "Action réservée à l'équipe support.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self._person_url(user))

    def nir_view(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        if request.method != "POST":
            return redirect(self._person_url(user))
        nir = services.staff_nir_view(acting_user=request.user, user=user)
        return TemplateResponse(
            request,
            "admin/users/user/nir.html",
            {
                **self.admin_site.each_context(request),
                "person": user,
                "nir": nir,
                "title": "Numéro de sécurité sociale",
            },
        )

    def merge_view(self, request, pk):
        """Step 1 (GET/POST without confirm): the duplicate's number → conflicts and moves. Step 2: confirm."""
        kept = get_object_or_404(User, pk=pk)
        form = MergeForm(request.POST or request.GET or None)
        preview = duplicate = None
        if form.is_bound and form.is_valid():
            duplicate = User.objects.filter(pk=form.cleaned_data["duplicate_id"]).first()
            try:
                if duplicate is None:
                    raise ValidationError("Aucun compte ne porte ce numéro.")
                if request.method == "POST" and form.cleaned_data.get("confirm"):
                    services.job_seekers_merge(acting_user=request.user, kept=kept, duplicate=duplicate)
                    messages.success(request, f"Comptes fusionnés : tout est maintenant sur le compte n° {kept.pk}.")
                    return redirect(self._person_url(kept))
                preview = services.job_seekers_merge_preview(kept=kept, duplicate=duplicate)
            except PermissionDenied as error:
                messages.error(request, str(error))
            except ValidationError as error:
                form.add_error(None, error)
        return TemplateResponse(
            request,
            "admin/users/user/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Fusionner deux comptes candidats",
                "kept": kept,
                "duplicate": duplicate,
                "form": form,
                "preview": preview,
            },
        )


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(label="Nouvelle adresse e-mail")


class MergeForm(forms.Form):
    duplicate_id = forms.IntegerField(label="Numéro du compte en double (il sera vidé puis anonymisé)", min_value=1)
    confirm = forms.BooleanField(label="Je confirme : cette fusion est définitive", required=False)


@admin.register(StaffAction)
class StaffActionAdmin(RoleRequiredAdminMixin, admin.ModelAdmin):
    staff_roles = (StaffRole.SUPPORT,)
    list_display = ["created_at", "kind", "acting_user", "target_user"]
    list_filter = ["kind"]
    search_fields = ["target_user__email", "target_user__last_name", "acting_user__email"]
    list_select_related = ["acting_user", "target_user"]
    raw_id_fields = ["acting_user", "target_user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionRequest)
class DeletionRequestAdmin(RoleRequiredAdminMixin, admin.ModelAdmin):
    staff_roles = (StaffRole.SUPPORT,)
    list_display = ["user", "created_at", "handled_at", "handled_by"]
    list_filter = ["handled_at"]
    list_select_related = ["user", "handled_by"]
    raw_id_fields = ["user", "handled_by"]
    actions = ["anonymize"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Anonymiser les comptes demandés (définitif)")
    def anonymize(self, request, queryset):
        done = 0
        for deletion_request in queryset.select_related("user"):
            try:
                services.staff_deletion_request_handle(acting_user=request.user, deletion_request=deletion_request)
            except ValidationError as error:
                messages.warning(request, f"{deletion_request.user} : {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            messages.success(request, f"{done} compte{'s' if done > 1 else ''} anonymisé{'s' if done > 1 else ''}.")
