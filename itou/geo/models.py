from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A current commune of the Code officiel géographique.

    `search_text` holds the name lower-cased and stripped of accents (see
    itou.utils.text.normalize), used to rank exact and prefix matches first;
    `search_vector` (itou.geo.search) indexes its words and the postal codes for prefix
    search. Both are filled by `manage.py import_geo`.
    """

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    postal_codes = ArrayField(models.CharField(max_length=5), verbose_name="codes postaux", default=list)
    population = models.PositiveIntegerField("population", default=0)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    search_text = models.CharField(max_length=255, default="")
    search_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="commune_coords_idx"),
            GinIndex(fields=["search_vector"], name="commune_search_idx"),
            GinIndex(fields=["postal_codes"], name="commune_postal_codes_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.department_id})"
