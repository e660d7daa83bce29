"""Forms of the professionals' signup (employers, prescribers) and of invitations."""

from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import password_validation

from itou.companies.enums import CompanyKind
from itou.companies.perms import EMPLOYER_SIGNUP_KINDS
from itou.companies.validators import clean_siret
from itou.geo.models import Commune
from itou.invitations.services import NewAccount
from itou.prescribers.enums import AUTHORIZED_BY_LAW_KINDS, PrescriberOrganizationKind
from itou.users.models import User
from itou.www.signup.allauth_forms import EMAIL_HINT, EMAIL_LABEL

PASSWORD_HINT = "Au moins 12 caractères. Évitez les mots de passe trop simples ou trop proches de votre nom."


class SiretForm(forms.Form):
    siret = forms.CharField(
        label="Numéro SIRET",
        max_length=20,
        help_text="14 chiffres, avec ou sans espaces. Il figure sur vos documents officiels (Kbis, avis de situation "
        "au répertoire SIRENE) et sur annuaire-entreprises.data.gouv.fr.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_siret(self):
        return clean_siret(self.cleaned_data["siret"])


class ProfessionalAccountForm(forms.Form):
    """Names, email and password of a new professional account.

    With `email=` the address is imposed (an invitation): it is shown, not asked.
    """

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=EMAIL_LABEL,
        help_text=f"Votre adresse professionnelle. {EMAIL_HINT}",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Mot de passe",
        help_text=PASSWORD_HINT,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirmez le mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str | None = None, **kwargs):
        self.imposed_email = email
        super().__init__(*args, **kwargs)
        if email is not None:
            del self.fields["email"]

    email_taken = False

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        # Not told on screen (account enumeration, docs/comptes.md): the views answer as for
        # a new account and the address is told by email (views._email_taken_response).
        self.email_taken = (
            User.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques : saisissez-les à nouveau.")
        elif password1:
            user = User(
                email=self.imposed_email or cleaned.get("email") or "",
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def new_account(self) -> NewAccount:
        data = self.cleaned_data
        return NewAccount(
            email=self.imposed_email or data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
        )


class EmployerSupportForm(forms.Form):
    """An employer whose structure is not listed writes to the support team."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=EMAIL_LABEL,
        help_text=f"L'équipe support vous répondra à cette adresse. {EMAIL_HINT}",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Téléphone",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    company_name = forms.CharField(label="Nom de la structure", max_length=255)
    siret = SiretForm.base_fields["siret"]
    company_kind = forms.ChoiceField(
        label="Type de structure",
        required=False,
        choices=[("", "Je ne sais pas")] + [(k.value, k.label) for k in CompanyKind if k in EMPLOYER_SIGNUP_KINDS],
    )
    message = forms.CharField(
        label="Votre message",
        max_length=3000,
        help_text="Par exemple : date de votre conventionnement avec l'État, structure nouvellement créée, "
        "changement de SIRET…",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_siret(self):
        return clean_siret(self.cleaned_data["siret"])


class PrescriberOrganizationForm(forms.Form):
    """A new prescriber organization (its SIRET was typed at the previous step)."""

    kind = forms.ChoiceField(
        label="Type d'organisation",
        choices=[("", "Choisissez le type")] + PrescriberOrganizationKind.choices,
        help_text="France Travail, Mission locale, Cap emploi, service social du conseil départemental, SPIP "
        "et PJJ sont habilités de droit. Pour les autres types, l'équipe support vérifie si votre organisation "
        "est habilitée par le préfet ; en attendant, vous êtes orienteur.",
    )
    name = forms.CharField(label="Nom de l'organisation", max_length=255)
    address_line = forms.CharField(
        label="Adresse",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    post_code = forms.CharField(
        label="Code postal",
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = forms.CharField(
        label="Commune",
        help_text="Tapez le nom de la commune ou son code postal, puis choisissez dans la liste.",
        widget=forms.TextInput(
            attrs={"data-autocomplete-url": "/autocomplete/communes/", "data-autocomplete-target": "id_commune_code"}
        ),
    )
    commune_code = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, siret: str, **kwargs):
        self.siret = siret
        super().__init__(*args, **kwargs)

    def clean_post_code(self):
        value = self.cleaned_data["post_code"].replace(" ", "")
        if value and not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError("Le code postal comporte 5 chiffres.")
        return value

    def clean_kind(self):
        from itou.prescribers.models import PrescriberOrganization

        kind = self.cleaned_data["kind"]
        if PrescriberOrganization.objects.filter(siret=self.siret, kind=kind).exists():
            raise forms.ValidationError(
                "Une organisation de ce type existe déjà avec ce SIRET : revenez à l'étape précédente pour demander "
                "à la rejoindre."
            )
        return kind

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("commune_code")
        cleaned["commune_obj"] = None
        if code:
            cleaned["commune_obj"] = Commune.objects.filter(code=code).first()
        if cleaned.get("commune") and cleaned["commune_obj"] is None:
            self.add_error("commune", "Choisissez la commune dans la liste proposée pendant la saisie.")
        return cleaned

    @property
    def is_authorized_by_law(self) -> bool:
        return self.cleaned_data.get("kind") in AUTHORIZED_BY_LAW_KINDS

    def organization_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "address_line": data["address_line"],
            "post_code": data["post_code"],
            "commune": data["commune_obj"],
        }
