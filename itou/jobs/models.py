from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class RomeDomain(models.Model):
    """One of the 14 big domains of the ROME (letters A to N)."""

    code = models.CharField("lettre", max_length=1, primary_key=True)
    name = models.CharField("nom", max_length=255)

    class Meta:
        verbose_name = "grand domaine ROME"
        verbose_name_plural = "grands domaines ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} - {self.name}"


class Rome(models.Model):
    code = models.CharField("code ROME", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=255)
    domain = models.ForeignKey(RomeDomain, verbose_name="grand domaine", on_delete=models.PROTECT, related_name="romes")

    class Meta:
        verbose_name = "fiche ROME"
        verbose_name_plural = "fiches ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Appellation(models.Model):
    """A job title of the ROME referential ("appellation"), e.g. "Boulanger / Boulangère".

    `search_text` is the normalized name (itou.utils.text.normalize); `search_vector`
    (itou.jobs.search) indexes its words and the ROME code. Both are filled by
    `manage.py import_rome`.
    """

    code = models.CharField("code", max_length=6, primary_key=True)
    name = models.CharField("nom", max_length=255)
    rome = models.ForeignKey(Rome, verbose_name="fiche ROME", on_delete=models.PROTECT, related_name="appellations")
    search_text = models.CharField(max_length=255, default="")
    search_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = "appellation ROME"
        verbose_name_plural = "appellations ROME"
        ordering = ["name"]
        indexes = [GinIndex(fields=["search_vector"], name="appellation_search_idx")]

    def __str__(self):
        return self.name
