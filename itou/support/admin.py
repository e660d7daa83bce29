"""The staff inbox: requests by status, assignment, internal notes, replies by email; the
response-time figures of the support over a period ("Délais de réponse")."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from itou.support import services
from itou.support.figures import duration_label, response_times
from itou.support.models import SupportMessage, SupportRequest
from itou.utils.staff_roles import RoleRequiredAdminMixin, StaffRole
from itou.utils.state_machine import TransitionNotAllowed


class SupportMessageInline(RoleRequiredAdminMixin, admin.TabularInline):
    model = SupportMessage
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "from_staff", "internal_note", "body", "attachment_link"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="pièce jointe")
    def attachment_link(self, obj):
        # Through the download view (its permission check), never the storage's own URL.
        if not obj.attachment:
            return "—"
        return format_html('<a href="{}">Télécharger (PDF)</a>', reverse("support:attachment", args=[obj.pk]))


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


RESPONSE_TIME_COLUMNS = [
    "Sujet",
    "Demandes reçues",
    "Avec une première réponse",
    "Première réponse : médiane",
    "Première réponse : 90e centile",
    "Sans réponse, non fermées",
    "Fermées",
    "Fermeture : médiane",
    "Fermeture : 90e centile",
]


class ResponseTimesForm(forms.Form):
    start = forms.DateField(label="Reçues du", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="au (inclus)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("La date de début doit précéder la date de fin.")
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366:
            raise ValidationError("La période ne peut pas dépasser un an.")
        return data


@admin.register(SupportRequest)
class SupportRequestAdmin(RoleRequiredAdminMixin, admin.ModelAdmin):
    # The support team (itou/utils/staff_roles.py), not Django's per-model permissions.
    staff_roles = (StaffRole.SUPPORT,)
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
    change_list_template = "admin/support/supportrequest/change_list.html"

    def get_urls(self):
        return [
            path(
                "delais/",
                self.admin_site.admin_view(self.response_times_view),
                name="support_supportrequest_response_times",
            ),
            *super().get_urls(),
        ]

    def response_times_view(self, request):
        """Response-time figures of the support over a period (default: the last 30 days)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = ResponseTimesForm(request.GET or None, initial={"start": today - timedelta(days=29), "end": today})
        start, end = today - timedelta(days=29), today
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows = [
            [
                r.label,
                r.received,
                r.answered,
                duration_label(r.answer_median),
                duration_label(r.answer_p90),
                r.unanswered,
                r.closed,
                duration_label(r.close_median),
                duration_label(r.close_p90),
            ]
            for r in response_times(start, end)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Délais de réponse du support",
            "form": form,
            "start": start,
            "end": end,
            "columns": RESPONSE_TIME_COLUMNS,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/support/supportrequest/response_times.html", context)

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
