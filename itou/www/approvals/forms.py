from django import forms

from itou.approvals import rules
from itou.approvals.enums import ApprovalStatus, ProlongationReason, ProlongationRequestDenyReason, SuspensionReason
from itou.prescribers.models import PrescriberOrganization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CompanyListFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "Tous"),
        (ApprovalStatus.VALID, "Valides"),
        (ApprovalStatus.SUSPENDED, "Suspendus"),
        (ApprovalStatus.FUTURE, "Pas encore commencés"),
        (ApprovalStatus.EXPIRED, "Expirés"),
    ]
    status = forms.ChoiceField(label="État du PASS IAE", choices=STATUS_CHOICES, required=False)
    expires_soon = forms.BooleanField(label="Prend fin dans les 3 mois", required=False)
    suspension_ends_soon = forms.BooleanField(label="Suspension qui se termine dans les 30 jours", required=False)
    PROLONGATION_CHOICES = [
        ("", "Toutes"),
        ("pending", "En attente de réponse"),
        ("answered", "Répondue dans les 30 derniers jours"),
    ]
    prolongation = forms.ChoiceField(label="Demande de prolongation", choices=PROLONGATION_CHOICES, required=False)
    name = forms.CharField(label="Nom du salarié", required=False, max_length=100)


class SuspensionForm(forms.Form):
    reason = forms.ChoiceField(label="Motif", choices=SuspensionReason.choices)
    start_at = forms.DateField(label="Début de la suspension", widget=DateInput())
    end_at = forms.DateField(
        label="Fin de la suspension",
        widget=DateInput(),
        help_text=f"Au plus {rules.SUSPENSION_MAX_MONTHS} mois. Le PASS IAE est prolongé d'autant.",
    )


class SuspensionEndForm(forms.Form):
    end_at = forms.DateField(
        label="Nouvelle date de fin de la suspension",
        widget=DateInput(),
        help_text=(
            f"Aujourd'hui ou plus tard, au plus {rules.SUSPENSION_MAX_MONTHS} mois après le début. "
            "La date de fin du PASS IAE bouge d'autant."
        ),
    )


class ProlongationForm(forms.Form):
    reason = forms.ChoiceField(label="Motif", choices=ProlongationReason.choices)
    end_at = forms.DateField(label="Nouvelle date de fin du PASS IAE", widget=DateInput())
    prescriber_organization = forms.ModelChoiceField(
        label="Prescripteur habilité qui valide la demande",
        queryset=PrescriberOrganization.objects.authorized().order_by("name"),
        required=False,
        help_text="Obligatoire pour les motifs RQTH, 50 ans et plus, difficultés particulières.",
    )
    explanation = forms.CharField(label="Explications pour le prescripteur", widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        reason = data.get("reason")
        if reason and rules.PROLONGATION_RULES[reason].needs_prescriber and not data.get("prescriber_organization"):
            self.add_error(
                "prescriber_organization", "Ce motif demande l'accord d'un prescripteur habilité : choisissez-en un."
            )
        return data


class DenyForm(forms.Form):
    deny_reason = forms.ChoiceField(label="Motif du refus", choices=ProlongationRequestDenyReason.choices)
    deny_explanation = forms.CharField(label="Explications", widget=forms.Textarea, required=False)
    proposed_actions = forms.CharField(
        label="Actions proposées au salarié et à l'employeur", widget=forms.Textarea, required=False
    )


class VerifyForm(forms.Form):
    """A number alone proves nothing (numbers are sequential): the checker also knows the
    holder's birth date or last name, as written on their papers."""

    numero = forms.CharField(
        label="Numéro du PASS IAE", max_length=20, help_text="12 chiffres, par exemple 99999 00 01234."
    )
    date_naissance = forms.DateField(
        label="Date de naissance du titulaire",
        required=False,
        help_text="Au format jj/mm/aaaa. Ou, à défaut, son nom de famille ci-dessous.",
        widget=DateInput(),
    )
    nom = forms.CharField(
        label="Nom de famille du titulaire", required=False, max_length=150, help_text="Sans tenir compte des accents."
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("date_naissance") and not cleaned.get("nom", "").strip():
            raise forms.ValidationError(
                "Indiquez la date de naissance ou le nom de famille du titulaire avec le numéro : le numéro seul "
                "ne suffit pas."
            )
        return cleaned
