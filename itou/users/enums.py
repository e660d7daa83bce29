from django.db import models


class UserKind(models.TextChoices):
    JOB_SEEKER = "job_seeker", "Candidat"
    PROFESSIONAL = "professional", "Professionnel"
    STAFF = "staff", "Équipe support"
    BUYER = "buyer", "Acheteur"


class LackOfNIRReason(models.TextChoices):
    TEMPORARY_NUMBER = "TEMPORARY_NUMBER", "Numéro temporaire (NIA/NTT)"
    NO_NIR = "NO_NIR", "Pas de numéro de sécurité sociale"
    NIR_ASSOCIATED_TO_OTHER = (
        "NIR_ASSOCIATED_TO_OTHER",
        "Le numéro de sécurité sociale est associé à quelqu'un d'autre",
    )


class EducationLevel(models.TextChoices):
    """Education levels of the ASP referential (employee records)."""

    NEVER_SCHOOLED = "01", "Jamais scolarisé"
    NO_SCHOOLING_BEYOND_MANDATORY = "70", "Pas de formation au-delà de la scolarité obligatoire"
    SHORT_TRAINING = "60", "Formation courte d'une durée d'un an"
    CAP_BEP_TRAINING = "50", "Formation de niveau CAP ou BEP"
    CAP_BEP_DIPLOMA = "51", "Diplôme obtenu CAP ou BEP"
    BAC_LEVEL = "40", "Formation de niveau BAC"
    BT_BACPRO_DIPLOMA = "41", "Brevet de technicien ou baccalauréat professionnel"
    BTS_DUT_LEVEL = "30", "Formation de niveau BTS ou DUT"
    LICENCE_LEVEL = "20", "Formation de niveau licence"
    THIRD_CYCLE_OR_ENGINEERING_SCHOOL = "10", "Troisième cycle ou école d'ingénieur"
    NON_CERTIFYING_QUALIFICATIONS = "00", "Personne avec qualifications non-certifiantes"


class IdentityProvider(models.TextChoices):
    """The State's identity providers (OpenID Connect, docs/comptes.md)."""

    FRANCECONNECT = "franceconnect", "FranceConnect"
    PROCONNECT = "proconnect", "ProConnect"
