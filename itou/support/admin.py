"""The staff inbox: requests by status, assignment, internal notes, replies by email."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from itou.support import services
from itou.support.models import SupportMessage, SupportRequest
from itou.utils.state_machine import TransitionNotAllowed


class SupportMessageInline(admin.TabularInline):
    model = SupportMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "from_staff", "internal_note", "body", "attachment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class SupportRequestForm(forms.ModelForm):
    reply = forms.CharField(
        label="Répondre à l'utilisateur",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Envoyé par e-mail avec un lien pour répondre ; la demande passe « En attente de l'utilisateur ».",
    )
    note = forms.CharField(
        label="Note interne",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Jamais montrée à l'utilisateur.",
    )

    class Meta:
        model = SupportRequest
        fields = ["assigned_to"]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    form = SupportRequestForm
    list_display = [
        "created_at",
        "subject",
        "category",
        "status",
        "email",
        "organization_label",
        "assigned_to",
        "first_response_delay",
    ]
    list_filter = ["status", "category", ("assigned_to", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["subject", "email", "organization_label"]
    list_select_related = ["assigned_to"]
    date_hierarchy = "created_at"
    inlines = [SupportMessageInline]
    readonly_fields = [
        "status", "category", "subject", "email", "user", "user_role", "organization_label", "page",
        "job_application", "approval", "ip_address", "created_at", "first_response_at", "closed_at",
    ]  # fmt: skip
    fieldsets = [
        ("Demande", {"fields": ["status", "category", "subject", "email", "assigned_to"]}),
        (
            "Contexte",
            {
                "fields": [
                    "user",
                    "user_role",
                    "organization_label",
                    "page",
                    "job_application",
                    "approval",
                    "ip_address",
                ]
            },
        ),
        ("Suivi", {"fields": ["created_at", "first_response_at", "closed_at"]}),
        ("Répondre", {"fields": ["reply", "note"]}),
    ]
    actions = ["take", "close", "reopen"]

    @admin.display(description="délai de première réponse")
    def first_response_delay(self, obj):
        delay = obj.first_response_delay
        if delay is None:
            return "—"
        hours = int(delay.total_seconds() // 3600)
        return (
            f"{hours // 24} j {hours % 24} h"
            if hours >= 24
            else f"{hours} h {int(delay.total_seconds() // 60) % 60} min"
        )

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        try:
            if form.cleaned_data.get("note", "").strip():
                services.staff_note(staff=request.user, support_request=obj, body=form.cleaned_data["note"])
            if form.cleaned_data.get("reply", "").strip():
                services.staff_reply(staff=request.user, support_request=obj, body=form.cleaned_data["reply"])
                messages.success(request, "Réponse envoyée par e-mail.")
        except (ValidationError, TransitionNotAllowed) as error:
            messages.error(
                request, getattr(error, "message", None) or " ".join(getattr(error, "messages", [str(error)]))
            )

    def _transition(self, request, queryset, name, done):
        count = 0
        for support_request in queryset:
            try:
                services.staff_transition(staff=request.user, support_request=support_request, name=name)
                count += 1
            except TransitionNotAllowed:
                pass
        messages.info(request, f"{count} demande(s) {done}.")

    @admin.action(description="Prendre en charge (et m'assigner)")
    def take(self, request, queryset):
        self._transition(request, queryset, "take", "prise(s) en charge")

    @admin.action(description="Fermer")
    def close(self, request, queryset):
        self._transition(request, queryset, "close", "fermée(s)")

    @admin.action(description="Rouvrir")
    def reopen(self, request, queryset):
        self._transition(request, queryset, "reopen", "rouverte(s)")

    def changelist_view(self, request, extra_context=None):
        # Response-time figures for the staff, above the inbox.
        figures = SupportRequest.objects.aggregate(
            new=Count("pk", filter=Q(status="new")),
            waiting=Count("pk", filter=Q(status="waiting_for_user")),
            open=Count("pk", filter=~Q(status="closed")),
        )
        extra_context = {**(extra_context or {}), "title": (
            f"Demandes de support — {figures['new']} nouvelle(s), {figures['open']} ouverte(s), "
            f"{figures['waiting']} en attente de l'utilisateur"
        )}  # fmt: skip
        return super().changelist_view(request, extra_context)
