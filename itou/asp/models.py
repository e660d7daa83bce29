"""ASP reference tables big enough to live in the database (imported by `manage.py import_asp`).

The small tables (street types, durations, measures…) are read from the committed CSV
files by `itou.asp.refs`.
"""

import datetime

from django.db import models


class Country(models.Model):
    """ref_insee_pays_v4: an INSEE country code and its ASP group (1 France, 2 CEE, 3 hors CEE)."""

    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    group = models.CharField("groupe de pays", max_length=1)
    department_code = models.CharField("département", max_length=3)

    class Meta:
        verbose_name = "pays (ASP)"
        verbose_name_plural = "pays (ASP)"
        ordering = ["name"]

    def __str__(self):
        return self.name.title()


class AspCommuneQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def valid_on(self, day: datetime.date):
        return self.filter(start_date__lte=day).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gte=day))


class AspCommune(models.Model):
    """ref_insee_com_v4: a commune code with its validity period (a code may come back
    with another name): birth places are checked on the birth date."""

    code = models.CharField("code INSEE", max_length=5, db_index=True)
    name = models.CharField("nom", max_length=100)
    start_date = models.DateField("début de validité")
    end_date = models.DateField("fin de validité", null=True, blank=True)

    objects = AspCommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune (ASP)"
        verbose_name_plural = "communes (ASP)"
        ordering = ["name", "-start_date"]
        indexes = [models.Index(fields=["name"], name="aspcommune_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def department_code(self) -> str:
        """`codeDpt` of the ASP file: 3 characters ("067", "02A", "971")."""
        if self.code.startswith(("97", "98")):
            return self.code[:3]
        return "0" + self.code[:2]

    @property
    def overseas_country_code(self) -> str | None:
        """Overseas collectivities (TAAF, Wallis, Polynesia, New Caledonia, Clipperton)
        are sent as a country: NOUMEA 98818 → 818."""
        if self.code[:3] in {"984", "985", "986", "987", "988", "989"}:
            return self.code[2:]
        return None
