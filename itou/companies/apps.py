from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

# The namespace of the cached public search pages (itou.utils.pagecache): employers and
# job descriptions are what they show.
SEARCH_PAGES = "search"


def search_pages_changed(**kwargs) -> None:
    """An employer or a job description was written: the cached search pages are stale, now
    and again when the transaction commits (another process may have cached the old rows
    in between)."""
    from django.db import transaction

    from itou.utils.pagecache import bump_version

    bump_version(SEARCH_PAGES)
    transaction.on_commit(lambda: bump_version(SEARCH_PAGES))


class CompaniesConfig(AppConfig):
    name = "itou.companies"
    verbose_name = "Employeurs"

    def ready(self):
        from itou.companies.models import Company, JobDescription

        for model in (Company, JobDescription):
            post_save.connect(search_pages_changed, sender=model, dispatch_uid=f"search_pages_{model.__name__}")
            post_delete.connect(search_pages_changed, sender=model, dispatch_uid=f"search_pages_d_{model.__name__}")
