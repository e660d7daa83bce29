from django.core.management.base import BaseCommand

from itou.marketplace.models import Sector
from itou.marketplace.sectors import sectors_load


class Command(BaseCommand):
    help = "Charge (ou met à jour) la liste des secteurs d'activité du marché de l'inclusion."

    def handle(self, *args, **options):
        changed = sectors_load(Sector)
        self.stdout.write(f"Secteurs : {changed} créés ou mis à jour, {Sector.objects.count()} au total.")
