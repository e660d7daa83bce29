from django.db import models


class EmailDelivery(models.Model):
    """One row per delivered email job, written in the delivery's transaction: a job that is
    run again (worker killed after sending, then `retry_stalled_jobs`) delivers nothing twice."""

    key = models.CharField("clé de l'envoi", max_length=32, unique=True)
    delivered_at = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "envoi d'e-mail"
        verbose_name_plural = "envois d'e-mails"

    def __str__(self):
        return self.key


class SentEmail(models.Model):
    """An email delivered by the database backend (dev and tests), shown at /dev/emails/."""

    sent_at = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)
    from_email = models.CharField("expéditeur", max_length=255)
    to = models.JSONField("destinataires", default=list)
    cc = models.JSONField("copie", default=list)
    bcc = models.JSONField("copie cachée", default=list)
    subject = models.CharField("objet", max_length=998)
    body = models.TextField("texte")
    html_body = models.TextField("HTML", blank=True)

    class Meta:
        verbose_name = "e-mail envoyé (développement)"
        verbose_name_plural = "e-mails envoyés (développement)"
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.subject
