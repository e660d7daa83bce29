from django.db import models

from itou.eligibility.enums import AdministrativeCriteriaLevel, GEIQAnnex


class BaseAdministrativeCriteria(models.Model):
    kind = models.CharField("code", max_length=20, unique=True)
    level = models.CharField("niveau", max_length=1, choices=AdministrativeCriteriaLevel.choices, blank=True)
    name = models.CharField("nom", max_length=255)
    desc = models.CharField("description", max_length=255, blank=True)
    written_proof = models.CharField("justificatif", max_length=255, blank=True)
    written_proof_url = models.URLField("lien d'aide à propos du justificatif", max_length=200, blank=True)
    written_proof_validity = models.CharField("durée de validité du justificatif", max_length=255, blank=True)
    ui_rank = models.PositiveSmallIntegerField("ordre d'affichage", default=32767)

    class Meta:
        abstract = True
        ordering = ["level", "ui_rank"]

    def __str__(self):
        return self.name


class AdministrativeCriteria(BaseAdministrativeCriteria):
    """One of the 18 IAE eligibility criteria (level 1 or 2)."""

    class Meta(BaseAdministrativeCriteria.Meta):
        verbose_name = "critère administratif IAE"
        verbose_name_plural = "critères administratifs IAE"


class GEIQAdministrativeCriteria(BaseAdministrativeCriteria):
    """One of the 28 GEIQ criteria; some are grouped under a parent criterion."""

    annex = models.CharField("annexe", max_length=3, choices=GEIQAnnex.choices, default=GEIQAnnex.ANNEX_1)
    slug = models.SlugField("slug", max_length=100, blank=True)
    api_code = models.CharField("code API", max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="critère parent", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta(BaseAdministrativeCriteria.Meta):
        verbose_name = "critère administratif GEIQ"
        verbose_name_plural = "critères administratifs GEIQ"
