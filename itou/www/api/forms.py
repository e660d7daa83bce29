from django import forms


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître plus tard : le nom du logiciel qui l'utilise, par exemple.",
    )
