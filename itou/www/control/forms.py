from django import forms

from itou.control.enums import RATIO_DEFAULT, RATIO_MAX, RATIO_MIN, NotificationReason, SanctionKind


class RatioForm(forms.Form):
    ratio = forms.IntegerField(
        label="Pourcentage de sélection",
        min_value=RATIO_MIN,
        max_value=RATIO_MAX,
        initial=RATIO_DEFAULT,
        help_text=f"Un nombre entier entre {RATIO_MIN} et {RATIO_MAX} : la part des structures éligibles qui seront "
        "contrôlées.",
        error_messages={
            "min_value": f"Le pourcentage doit être d'au moins {RATIO_MIN} %%.",
            "max_value": f"Le pourcentage doit être d'au plus {RATIO_MAX} %%.",
            "required": "Indiquez un pourcentage.",
            "invalid": "Indiquez un nombre entier.",
        },
    )


class ProofForm(forms.Form):
    proof = forms.FileField(
        label="Justificatif (PDF, 5 Mo au plus)",
        error_messages={"required": "Choisissez le fichier PDF du justificatif."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class CampaignCreateForm(forms.Form):
    period_start = forms.DateField(
        label="Début de la période contrôlée", widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(label="Fin de la période contrôlée", widget=forms.DateInput(attrs={"type": "date"}))
    ratio_deadline = forms.DateField(label="Fin de l'échantillonnage", widget=forms.DateInput(attrs={"type": "date"}))
    submission_deadline = forms.DateField(
        label="Fin de la transmission (phase amiable)", widget=forms.DateInput(attrs={"type": "date"})
    )
    adversarial_deadline = forms.DateField(
        label="Fin de la transmission (phase contradictoire)", widget=forms.DateInput(attrs={"type": "date"})
    )
    sanctions_deadline = forms.DateField(
        label="Fin de la déclaration des sanctions", widget=forms.DateInput(attrs={"type": "date"})
    )


class SanctionForm(forms.Form):
    reason = forms.ChoiceField(label="Motif principal", choices=NotificationReason.choices)
    text = forms.CharField(label="Commentaire pour la structure", widget=forms.Textarea(attrs={"rows": 3}))
    kinds = forms.MultipleChoiceField(
        label="Sanctions", choices=SanctionKind.choices, widget=forms.CheckboxSelectMultiple
    )
    training_details = forms.CharField(
        label="Modalités de la session de présentation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    suspension_start = forms.DateField(
        label="Retrait à partir du", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    suspension_end = forms.DateField(
        label="Retrait temporaire jusqu'au (inclus)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    no_sanction_reason = forms.CharField(
        label="Explication de l'absence de sanction", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, hires=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hires = list(hires)
        for hire in self.hires:
            self.fields[f"cut_{hire.pk}"] = forms.IntegerField(
                label=f"Suppression de l'aide au poste pour {hire.job_application.job_seeker.get_full_name()} (%)",
                required=False,
                min_value=0,
                max_value=100,
            )

    def subsidy_cuts(self):
        return {hire.pk: self.cleaned_data.get(f"cut_{hire.pk}") or 0 for hire in self.hires}
