from django.core.management.base import BaseCommand

from itou.stats import refresh


class Command(BaseCommand):
    help = "Recalcule toutes les tables d'agrégats des statistiques depuis les tables brutes (idempotent)."

    def handle(self, *args, **options):
        refresh.rebuild()
        self.stdout.write("Statistiques recalculées.")
