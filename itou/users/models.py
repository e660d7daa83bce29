from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from itou.users.enums import EducationLevel, IdentityProvider, LackOfNIRReason, UserKind
from itou.users.validators import validate_france_travail_id, validate_nir


class UserQuerySet(models.QuerySet):
    def job_seekers(self):
        return self.filter(kind=UserKind.JOB_SEEKER)

    def professionals(self):
        return self.filter(kind=UserKind.PROFESSIONAL)

    def get_by_email(self, email: str):
        """Emails are unique whatever their case."""
        return self.get(email__iexact=email.strip())


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("kind", UserKind.STAFF)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in: a job seeker, a professional, or a member of the support team.

    The email may be empty when a professional created the account of a job seeker who
    has none; otherwise it is unique whatever its case.
    """

    kind = models.CharField("type", max_length=20, choices=UserKind.choices, default=UserKind.JOB_SEEKER)
    email = models.EmailField("adresse e-mail", unique=True, null=True, blank=True)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    is_staff = models.BooleanField("accès au back-office", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("date d'inscription", default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="staff") | models.Q(is_staff=True),
                name="user_staff_kind_is_staff",
                violation_error_message="Un membre de l'équipe support doit avoir accès au back-office.",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or (self.email or f"Utilisateur {self.pk}")

    def save(self, *args, **kwargs):
        if self.email:
            self.email = self.email.strip().lower()
        else:
            self.email = None
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name.upper()}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def is_job_seeker(self):
        return self.kind == UserKind.JOB_SEEKER

    @property
    def is_professional(self):
        return self.kind == UserKind.PROFESSIONAL

    @property
    def is_buyer(self):
        """A buyer of the marketplace (docs/marche.md): member of a buyer organization only."""
        return self.kind == UserKind.BUYER

    @property
    def is_support_staff(self):
        return self.kind == UserKind.STAFF

    def has_totp(self) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists()


class JobSeekerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="jobseeker_profile", primary_key=True)
    # Indexed: looking a person up by name + birthdate filters on it first (apply flow).
    birthdate = models.DateField("date de naissance", null=True, blank=True, db_index=True)
    nir = models.CharField(
        "numéro de sécurité sociale",
        max_length=15,
        blank=True,
        validators=[validate_nir],
        help_text="15 caractères : 13 chiffres et la clé de 2 chiffres.",
    )
    lack_of_nir_reason = models.CharField(
        "raison de l'absence de numéro de sécurité sociale",
        max_length=30,
        choices=LackOfNIRReason.choices,
        blank=True,
    )
    france_travail_id = models.CharField(
        "identifiant France Travail", max_length=11, blank=True, validators=[validate_france_travail_id]
    )
    commune = models.ForeignKey(
        "geo.Commune", verbose_name="commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address_line = models.CharField("adresse", max_length=255, blank=True)
    education_level = models.CharField("niveau de formation", max_length=2, choices=EducationLevel.choices, blank=True)
    # Identity certified by FranceConnect (names on the user, birth date and place here):
    # read-only in the profile while certified (docs/comptes.md).
    birth_place_code = models.CharField(
        "lieu de naissance (code INSEE)", max_length=5, blank=True, help_text="Commune (code INSEE) ou pays (99XXX)."
    )
    birth_country_code = models.CharField("pays de naissance (code INSEE)", max_length=5, blank=True)
    identity_certified_by = models.CharField(
        "identité certifiée par", max_length=20, choices=IdentityProvider.choices, blank=True
    )
    identity_certified_at = models.DateTimeField("identité certifiée le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "profil candidat"
        verbose_name_plural = "profils candidat"
        constraints = [
            models.UniqueConstraint(
                fields=["nir"],
                condition=~models.Q(nir=""),
                name="jobseekerprofile_unique_nir",
                violation_error_message="Ce numéro de sécurité sociale est déjà associé à un autre compte.",
            ),
            models.CheckConstraint(
                condition=models.Q(nir="") | models.Q(lack_of_nir_reason=""),
                name="jobseekerprofile_nir_or_lack_reason",
                violation_error_message=(
                    "Indiquez soit le numéro de sécurité sociale, soit la raison de son absence, pas les deux."
                ),
            ),
        ]

    def __str__(self):
        return f"Profil de {self.user}"

    # Fields of the identity that FranceConnect certifies (first and last names are on User).
    CERTIFIED_FIELDS = ("first_name", "last_name", "birthdate", "birth_place_code", "birth_country_code")

    @property
    def identity_certified(self) -> bool:
        return bool(self.identity_certified_by)

    @property
    def masked_nir(self) -> str:
        """The NIR as shown on screens: only the sex, birth year and month."""
        if not self.nir:
            return ""
        return f"{self.nir[:5]} •• ••• ••• ••"

    @property
    def missing_fields(self) -> list[str]:
        missing = []
        if not self.birthdate:
            missing.append("date de naissance")
        if not self.nir and not self.lack_of_nir_reason:
            missing.append("numéro de sécurité sociale")
        if not self.commune_id:
            missing.append("commune")
        if not self.education_level:
            missing.append("niveau de formation")
        return missing
