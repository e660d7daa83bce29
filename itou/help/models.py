"""The help center's searchable copy of the guides (itou/help/content/*.md) and the readers' feedback."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class Audience(models.TextChoices):
    ALL = "tous", "Tout le monde"
    JOB_SEEKER = "candidats", "Candidats"
    EMPLOYER = "employeurs", "Employeurs"
    PRESCRIBER = "prescripteurs", "Prescripteurs"
    INSTITUTION = "institutions", "Institutions"
    BUYER = "acheteurs", "Acheteurs"


class HelpPage(models.Model):
    """One guide, rebuilt from its Markdown file by `index_pages` (never edited here)."""

    slug = models.SlugField("adresse", max_length=100, unique=True)
    title = models.CharField("titre", max_length=200)
    summary = models.CharField("résumé", max_length=500, blank=True)
    audiences = models.CharField("publics", max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField("ordre", default=100)
    text = models.TextField("texte brut")
    search_vector = SearchVectorField("index de recherche", null=True)
    indexed_at = models.DateTimeField("indexée le", default=timezone.now)

    class Meta:
        verbose_name = "page d'aide"
        verbose_name_plural = "pages d'aide"
        ordering = ["rank", "title"]
        indexes = [GinIndex(fields=["search_vector"], name="help_page_search_idx")]

    def __str__(self):
        return self.title


class HelpFeedback(models.Model):
    """« Cette page vous a-t-elle aidé ? »"""

    page_slug = models.SlugField("page", max_length=100)
    helpful = models.BooleanField("utile")
    comment = models.TextField("commentaire", blank=True, max_length=1000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "avis sur une page d'aide"
        verbose_name_plural = "avis sur les pages d'aide"
        indexes = [models.Index(fields=["page_slug", "created_at"], name="help_feedback_page_idx")]

    def __str__(self):
        return f"{self.page_slug} : {'utile' if self.helpful else 'pas utile'}"
