from django.db import models


class AreaKind(models.TextChoices):
    RADIUS = "radius", "Autour de ma commune"
    DEPARTMENTS = "departments", "Dans des départements ou des régions"
    FRANCE = "france", "Dans toute la France"


class TurnoverBand(models.TextChoices):
    UNDER_100K = "lt100k", "Moins de 100 000 €"
    UNDER_500K = "lt500k", "De 100 000 à 500 000 €"
    UNDER_2M = "lt2m", "De 500 000 € à 2 millions d'euros"
    UNDER_10M = "lt10m", "De 2 à 10 millions d'euros"
    OVER_10M = "gt10m", "Plus de 10 millions d'euros"


class NotificationMode(models.TextChoices):
    INSTANT = "instant", "Un e-mail à chaque nouveau besoin"
    DIGEST = "digest", "Un e-mail récapitulatif par jour"
    PAUSED = "paused", "Aucun e-mail (notifications en pause)"


class BuyerKind(models.TextChoices):
    PUBLIC = "public", "Acheteur public (collectivité, État, établissement public, hôpital…)"
    PRIVATE = "private", "Entreprise ou association"


class NeedKind(models.TextChoices):
    QUOTE = "quote", "Demande de devis"
    TENDER = "tender", "Appel d'offres"
    PARTNER = "partner", "Recherche de partenaire (co-traitance, sous-traitance)"


class BudgetBand(models.TextChoices):
    UNKNOWN = "unknown", "Je ne sais pas encore"
    UNDER_5K = "lt5k", "Moins de 5 000 €"
    UNDER_40K = "lt40k", "De 5 000 à 40 000 €"
    UNDER_90K = "lt90k", "De 40 000 à 90 000 €"
    UNDER_220K = "lt220k", "De 90 000 à 220 000 €"
    OVER_220K = "gt220k", "Plus de 220 000 €"


class NeedStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "En attente de validation par l'équipe support"
    PUBLISHED = "published", "Publié"
    CLOSED = "closed", "Clos"
    REJECTED = "rejected", "Refusé par l'équipe support"


class NeedOutcome(models.TextChoices):
    WON = "won", "Attribué à un employeur inclusif"
    OTHER_SUPPLIER = "other", "Attribué à un autre fournisseur"
    ABANDONED = "abandoned", "Abandonné, sans suite"


class AnswerStatus(models.TextChoices):
    PENDING = "pending", "Pas encore répondu"
    INTERESTED = "interested", "Intéressé"
    DECLINED = "declined", "Pas intéressé"
