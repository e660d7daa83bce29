from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def catalogue_pages_changed(**kwargs) -> None:
    """A commercial profile or its sectors changed: the cached catalogue pages are stale.
    They share the namespace of the public searches (itou.companies.apps.SEARCH_PAGES),
    which an employer's change already bumps."""
    from itou.companies.apps import search_pages_changed

    search_pages_changed()


class MarketplaceConfig(AppConfig):
    name = "itou.marketplace"
    verbose_name = "Marché de l'inclusion"

    def ready(self):
        from itou.marketplace.models import CommercialProfile

        post_save.connect(catalogue_pages_changed, sender=CommercialProfile, dispatch_uid="catalogue_pages_save")
        post_delete.connect(catalogue_pages_changed, sender=CommercialProfile, dispatch_uid="catalogue_pages_delete")
        m2m_changed.connect(
            catalogue_pages_changed, sender=CommercialProfile.sectors.through, dispatch_uid="catalogue_pages_sectors"
        )
