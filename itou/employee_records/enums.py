from django.db import models


class Status(models.TextChoices):
    NEW = "NEW", "Nouvelle"
    READY = "READY", "Complétée"
    SENT = "SENT", "Envoyée"
    REJECTED = "REJECTED", "En erreur"
    PROCESSED = "PROCESSED", "Intégrée"
    DISABLED = "DISABLED", "Désactivée"
    ARCHIVED = "ARCHIVED", "Archivée"


class NotificationStatus(models.TextChoices):
    NEW = "NEW", "Nouvelle"
    SENT = "SENT", "Envoyée"
    PROCESSED = "PROCESSED", "Intégrée"
    REJECTED = "REJECTED", "En erreur"


class MovementType(models.TextChoices):
    CREATION = "C", "Création (fiches salarié)"
    UPDATE = "M", "Modification (notifications de mise à jour)"


class BatchStatus(models.TextChoices):
    PENDING = "PENDING", "Préparé, en attente de dépôt"
    UPLOADED = "UPLOADED", "Déposé chez l'ASP"
    FEEDBACK_APPLIED = "FEEDBACK_APPLIED", "Retour de l'ASP intégré"
    FEEDBACK_ERROR = "FEEDBACK_ERROR", "Fichier retour illisible (mis de côté)"


class Civility(models.TextChoices):
    M = "M", "Monsieur"
    MME = "MME", "Madame"
