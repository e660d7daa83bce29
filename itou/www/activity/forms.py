from django import forms

from itou.activity.enums import ContractEndReason, exit_situation_choices


class ContractEndForm(forms.Form):
    end_date = forms.DateField(label="Date de fin effective du contrat", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(
        label="Motif de fin",
        choices=ContractEndReason.choices,
        help_text="La fin du PASS IAE et l'absence de nouvelles ont leur propre motif.",
    )
    exit_situation = forms.ChoiceField(label="Situation de la personne à sa sortie", choices=exit_situation_choices())
    comment = forms.CharField(label="Précisions (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    support_actions = forms.CharField(
        label="Actions d'accompagnement socio-professionnel", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    training_actions = forms.CharField(
        label="Actions de formation", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    partners = forms.CharField(label="Partenaires", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    comment = forms.CharField(label="Commentaire libre", required=False, widget=forms.Textarea(attrs={"rows": 3}))
