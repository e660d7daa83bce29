from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _index_after_migrate(sender, **kwargs):
    from itou.help.pages import index_pages

    index_pages(using=kwargs.get("using", "default"))


class HelpConfig(AppConfig):
    name = "itou.help"
    verbose_name = "Aide"

    def ready(self):
        # The guides live in the repository: every `migrate` (and so `make run`, the tests'
        # database) indexes them into HelpPage for the full-text search.
        post_migrate.connect(_index_after_migrate, sender=self, dispatch_uid="help_index_pages")
