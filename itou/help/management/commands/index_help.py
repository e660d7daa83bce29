from django.core.management.base import BaseCommand

from itou.help.pages import index_pages


class Command(BaseCommand):
    help = "Indexe les guides d'aide (itou/help/content/*.md) pour la recherche (aussi fait à chaque migrate)."

    def handle(self, *args, **options):
        self.stdout.write(f"{index_pages()} page(s) d'aide indexée(s).")
